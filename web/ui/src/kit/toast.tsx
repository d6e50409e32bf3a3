import { createContext, type ReactNode, useContext, useMemo, useState } from "react";
import {
  Button as AriaButton,
  UNSTABLE_Toast as AriaToast,
  Text,
  UNSTABLE_ToastContent as ToastContent,
  UNSTABLE_ToastQueue as ToastQueue,
  UNSTABLE_ToastRegion as ToastRegion,
} from "react-aria-components";
import { cn } from "../cn";

export type ToastTone = "success" | "info" | "error";

/** What a toast says. */
export interface ToastContentValue {
  title: string;
  description?: string;
  tone?: ToastTone;
}

export interface ToastOptions {
  /**
   * Milliseconds before it goes by itself (at least 5000; paused while hovered or focused). Default
   * 6000 for success and info; errors stay until closed.
   */
  timeout?: number | null;
  onClose?: () => void;
}

/** What `useToast()` returns. */
export interface ToastApi {
  /** Shows a toast and returns its key (for `close`). */
  show: (content: ToastContentValue | string, options?: ToastOptions) => string;
  success: (title: string, description?: string) => string;
  error: (title: string, description?: string) => string;
  close: (key: string) => void;
}

const ToastContext = createContext<ToastApi | null>(null);

const toneClass: Record<ToastTone, string> = {
  success: "border-green-300 bg-green-50 text-green-900",
  info: "border-accent-200 bg-white text-neutral-900",
  error: "border-red-300 bg-red-50 text-red-900",
};

/**
 * Toasts for everything under it (put it once at the root of an app). Built on react-aria-components'
 * toast region (still marked UNSTABLE_ there): a landmark named "Notifications" that F6 reaches, each
 * toast an alertdialog announced when it appears, with a close button; timers pause on hover and focus.
 */
export function ToastProvider({
  children,
  maxVisible = 3,
  label = "Notifications",
}: {
  children: ReactNode;
  /** How many show at once; more wait their turn. */
  maxVisible?: number;
  label?: string;
}) {
  const [queue] = useState(() => new ToastQueue<ToastContentValue>({ maxVisibleToasts: maxVisible }));
  const api = useMemo<ToastApi>(() => {
    const show = (content: ToastContentValue | string, options: ToastOptions = {}) => {
      const value = typeof content === "string" ? { title: content } : content;
      const tone = value.tone ?? "info";
      const timeout = options.timeout === undefined ? (tone === "error" ? null : 6000) : options.timeout;
      return queue.add(
        { ...value, tone },
        { timeout: timeout == null ? undefined : Math.max(5000, timeout), onClose: options.onClose },
      );
    };
    return {
      show,
      success: (title, description) => show({ title, description, tone: "success" }),
      error: (title, description) => show({ title, description, tone: "error" }),
      close: (key) => queue.close(key),
    };
  }, [queue]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <ToastRegion
        queue={queue}
        aria-label={label}
        className="fixed right-4 bottom-4 z-[60] flex w-[min(24rem,calc(100vw-2rem))] flex-col-reverse gap-2 outline-none"
      >
        {({ toast }) => (
          <AriaToast
            toast={toast}
            className={cn(
              "flex items-start gap-3 rounded-lg border px-4 py-3 text-sm shadow-lg outline-none",
              "data-[focus-visible]:outline-2 data-[focus-visible]:outline-offset-2 data-[focus-visible]:outline-accent-600",
              toneClass[toast.content.tone ?? "info"],
            )}
          >
            <ToastContent className="min-w-0 flex-1">
              <Text slot="title" className="block font-semibold">
                {toast.content.title}
              </Text>
              {toast.content.description && (
                <Text slot="description" className="mt-0.5 block">
                  {toast.content.description}
                </Text>
              )}
            </ToastContent>
            <AriaButton
              slot="close"
              aria-label="Close"
              className="-m-1 rounded p-1 text-current hover:bg-black/5 data-[focus-visible]:outline-2 data-[focus-visible]:outline-accent-600"
            >
              <svg aria-hidden="true" viewBox="0 0 20 20" className="size-4">
                <path d="M5 5l10 10M15 5L5 15" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
              </svg>
            </AriaButton>
          </AriaToast>
        )}
      </ToastRegion>
    </ToastContext.Provider>
  );
}

/** Shows toasts from the nearest `ToastProvider`. */
export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast needs a <ToastProvider> above it.");
  return api;
}
