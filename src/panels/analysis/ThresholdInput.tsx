// A toolbar's threshold: "<label> [n] <unit>", a non-negative number (an empty or bad entry reads 0).

export function ThresholdInput({ label, unit, value, step, onChange, testId, ariaLabel, title }: { label: string; unit: string; value: number; step: number; onChange: (v: number) => void; testId: string; ariaLabel: string; title?: string }) {
  return (
    <label title={title}>
      {label}{' '}
      <input className="threshold-input" type="number" min={0} step={step} value={value} onChange={(e) => onChange(Number(e.currentTarget.value) || 0)} data-testid={testId} aria-label={ariaLabel} />{' '}
      {unit}
    </label>
  );
}
