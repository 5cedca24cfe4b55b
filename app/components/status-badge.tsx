const LABELS = { active: "Active", withdrawn: "Withdrawn", suspended: "Suspended" } as const;

export function StatusBadge({ status }: { status: keyof typeof LABELS }) {
  return <span className={`badge badge-${status}`}>{LABELS[status]}</span>;
}
