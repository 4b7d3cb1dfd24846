// A button inside a clickable table row: its click must not also trigger the row's.

export function RowButton({ label, title, testId, onClick }: { label: string; title?: string; testId?: string; onClick: () => void }) {
  return (
    <button
      className="button small"
      data-testid={testId}
      title={title}
      onClick={(e) => {
        e.stopPropagation();
        onClick();
      }}
    >
      {label}
    </button>
  );
}
