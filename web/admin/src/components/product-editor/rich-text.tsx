import { cn } from "@bazaar/ui";
import { EditorContent, useEditor, useEditorState } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { useEffect, useId } from "react";

interface RichTextFieldProps {
  label: string;
  /** HTML. */
  value: string;
  onChange: (html: string) => void;
  hint?: string;
  error?: string;
  readOnly?: boolean;
}

function ToolbarButton({
  label,
  active,
  onClick,
  children,
}: {
  label: string;
  active?: boolean;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      aria-label={label}
      aria-pressed={active}
      title={label}
      onMouseDown={(event) => event.preventDefault()}
      onClick={onClick}
      className={cn(
        "min-w-8 rounded px-2 py-1 text-sm hover:bg-neutral-200 focus-visible:outline-2 focus-visible:outline-accent-600",
        active && "bg-neutral-200 font-semibold",
      )}
    >
      {children}
    </button>
  );
}

/**
 * A rich-text field on TipTap (ProseMirror): paragraphs, headings, bold, italic, lists, quotes and
 * links, producing HTML. The server keeps only safe HTML (see sanitizeRichText), so what shoppers see
 * is what this shows.
 */
export function RichTextField({ label, value, onChange, hint, error, readOnly = false }: RichTextFieldProps) {
  const id = useId();
  const editor = useEditor({
    extensions: [StarterKit.configure({ heading: { levels: [2, 3, 4] }, link: { openOnClick: false } })],
    content: value,
    editable: !readOnly,
    immediatelyRender: true,
    editorProps: {
      attributes: {
        role: "textbox",
        "aria-multiline": "true",
        "aria-labelledby": `${id}-label`,
        ...(hint ? { "aria-describedby": `${id}-hint` } : {}),
        ...(error ? { "aria-invalid": "true" } : {}),
        class: "rich-text min-h-40 px-3 py-2 text-sm outline-none",
      },
    },
    onUpdate: ({ editor: e }) => onChange(e.isEmpty ? "" : e.getHTML()),
  });
  // Replaced from outside (a reload): show the new content.
  useEffect(() => {
    if (editor && value !== editor.getHTML() && !(value === "" && editor.isEmpty))
      editor.commands.setContent(value, { emitUpdate: false });
  }, [editor, value]);
  const state = useEditorState({
    editor,
    selector: ({ editor: e }) => ({
      bold: e?.isActive("bold") ?? false,
      italic: e?.isActive("italic") ?? false,
      h2: e?.isActive("heading", { level: 2 }) ?? false,
      h3: e?.isActive("heading", { level: 3 }) ?? false,
      bullet: e?.isActive("bulletList") ?? false,
      ordered: e?.isActive("orderedList") ?? false,
      quote: e?.isActive("blockquote") ?? false,
      link: e?.isActive("link") ?? false,
    }),
  });
  const chain = () => editor?.chain().focus();
  return (
    <div>
      <span id={`${id}-label`} className="mb-1 block text-sm font-medium text-neutral-800">
        {label}
      </span>
      {hint && (
        <span id={`${id}-hint`} className="mb-1 block text-xs text-neutral-600">
          {hint}
        </span>
      )}
      <div
        className={cn(
          "rounded-lg border bg-white focus-within:outline-2 focus-within:outline-accent-600",
          error ? "border-red-600" : "border-neutral-300",
        )}
      >
        {!readOnly && (
          <div
            role="toolbar"
            aria-label={`${label} formatting`}
            className="flex flex-wrap gap-1 border-b border-neutral-200 p-1"
          >
            <ToolbarButton label="Bold" active={state?.bold} onClick={() => chain()?.toggleBold().run()}>
              <strong>B</strong>
            </ToolbarButton>
            <ToolbarButton
              label="Italic"
              active={state?.italic}
              onClick={() => chain()?.toggleItalic().run()}
            >
              <em>I</em>
            </ToolbarButton>
            <ToolbarButton
              label="H2 heading"
              active={state?.h2}
              onClick={() => chain()?.toggleHeading({ level: 2 }).run()}
            >
              H2
            </ToolbarButton>
            <ToolbarButton
              label="H3 subheading"
              active={state?.h3}
              onClick={() => chain()?.toggleHeading({ level: 3 }).run()}
            >
              H3
            </ToolbarButton>
            <ToolbarButton
              label="Bullets"
              active={state?.bullet}
              onClick={() => chain()?.toggleBulletList().run()}
            >
              Bullets
            </ToolbarButton>
            <ToolbarButton
              label="Numbers"
              active={state?.ordered}
              onClick={() => chain()?.toggleOrderedList().run()}
            >
              Numbers
            </ToolbarButton>
            <ToolbarButton
              label="Quote"
              active={state?.quote}
              onClick={() => chain()?.toggleBlockquote().run()}
            >
              Quote
            </ToolbarButton>
            <ToolbarButton
              label={state?.link ? "Remove link" : "Link"}
              active={state?.link}
              onClick={() => {
                if (state?.link) {
                  chain()?.unsetLink().run();
                  return;
                }
                const href = window.prompt("Link address (https://…)");
                if (href && /^(https?:|mailto:|\/)/.test(href)) chain()?.setLink({ href }).run();
              }}
            >
              {state?.link ? "Remove link" : "Link"}
            </ToolbarButton>
            <ToolbarButton label="Undo" onClick={() => chain()?.undo().run()}>
              Undo
            </ToolbarButton>
            <ToolbarButton label="Redo" onClick={() => chain()?.redo().run()}>
              Redo
            </ToolbarButton>
          </div>
        )}
        <EditorContent editor={editor} />
      </div>
      {error && <p className="mt-2 text-sm font-medium text-red-700">{error}</p>}
    </div>
  );
}
