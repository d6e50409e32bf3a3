import { type ReactNode, useState } from "react";
import { Modal as AriaModal, Dialog, Heading, ModalOverlay } from "react-aria-components";
import { Button } from "../Button";
import { cn } from "../cn";
import { ErrorSummary } from "./problem";

type WithClose = ReactNode | ((close: () => void) => ReactNode);

const widths = { sm: "max-w-sm", md: "max-w-lg", lg: "max-w-2xl" } as const;

export interface ModalProps {
  /** Open or closed (controlled): keep it in state and open it from a button's onClick. */
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
  /** The dialog's heading, which also names it. */
  title: string;
  /** A sentence under the title, read with it (aria-describedby). */
  description?: ReactNode;
  /** The body; a function gets `close`. */
  children?: WithClose;
  /** Buttons at the bottom right; a function gets `close`. */
  footer?: WithClose;
  size?: keyof typeof widths;
  /** Whether a click outside closes it (Escape always does). Default true. */
  isDismissable?: boolean;
  /** "alertdialog" for a dialog that interrupts to ask or warn (see `ConfirmDialog`). */
  role?: "dialog" | "alertdialog";
}

/**
 * A modal dialog (react-aria-components): focus moves in and is trapped there, Escape closes, the
 * page behind is inert and does not scroll, and focus goes back to what opened it.
 */
export function Modal({
  isOpen,
  onOpenChange,
  title,
  description,
  children,
  footer,
  size = "md",
  isDismissable = true,
  role = "dialog",
}: ModalProps) {
  return (
    <ModalOverlay
      isOpen={isOpen}
      onOpenChange={onOpenChange}
      isDismissable={isDismissable}
      className="fixed inset-0 z-50 flex items-end justify-center overflow-y-auto bg-neutral-950/40 p-4 sm:items-center"
    >
      <AriaModal className={cn("w-full rounded-xl bg-white shadow-xl", widths[size])}>
        <Dialog role={role} className="p-6 outline-none">
          {({ close }) => (
            <>
              <Heading slot="title" className="text-lg font-semibold text-neutral-900">
                {title}
              </Heading>
              {description && <div className="mt-1 text-sm text-neutral-600">{description}</div>}
              {children !== undefined && (
                <div className="mt-4 text-sm text-neutral-800">
                  {typeof children === "function" ? children(close) : children}
                </div>
              )}
              {footer !== undefined && (
                <div className="mt-6 flex flex-wrap justify-end gap-3">
                  {typeof footer === "function" ? footer(close) : footer}
                </div>
              )}
            </>
          )}
        </Dialog>
      </AriaModal>
    </ModalOverlay>
  );
}

export interface ConfirmDialogProps {
  isOpen: boolean;
  onOpenChange: (isOpen: boolean) => void;
  title: string;
  /** What will happen, in a sentence or two. */
  children?: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  /** "danger" paints the confirm button red, for what cannot be undone. */
  tone?: "default" | "danger";
  /**
   * The action. A promise keeps the dialog open with the button pending; it closes when the promise
   * resolves, and shows the problem (or error) when it rejects.
   */
  onConfirm: () => unknown;
}

/**
 * Asks before an action (an alertdialog). Focus starts on Cancel, so Enter never confirms by accident;
 * Escape cancels.
 */
export function ConfirmDialog({
  isOpen,
  onOpenChange,
  title,
  children,
  confirmLabel = "Confirm",
  cancelLabel = "Cancel",
  tone = "default",
  onConfirm,
}: ConfirmDialogProps) {
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const change = (open: boolean) => {
    if (pending) return;
    if (!open) setFailure(null);
    onOpenChange(open);
  };
  return (
    <Modal
      isOpen={isOpen}
      onOpenChange={change}
      title={title}
      role="alertdialog"
      size="sm"
      isDismissable={!pending}
      footer={
        <>
          <Button variant="secondary" autoFocus onClick={() => change(false)} disabled={pending}>
            {cancelLabel}
          </Button>
          <Button
            variant={tone === "danger" ? "danger" : "primary"}
            pending={pending}
            onClick={async () => {
              setFailure(null);
              setPending(true);
              try {
                await onConfirm();
                setPending(false);
                onOpenChange(false);
              } catch (error) {
                setPending(false);
                setFailure(error ?? new Error("The action failed."));
              }
            }}
          >
            {confirmLabel}
          </Button>
        </>
      }
    >
      {children}
      {failure != null && <ErrorSummary problem={failure} className="mt-4" />}
    </Modal>
  );
}
