/** The fields an update changed, as an audit entry's `old` and `new` (null when nothing changed). */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: T,
): { old: Partial<T>; new: Partial<T> } | null {
  const changed = (Object.keys(after) as (keyof T)[]).filter((k) => after[k] !== before[k]);
  if (changed.length === 0) return null;
  return {
    old: Object.fromEntries(changed.map((k) => [k, before[k]])) as Partial<T>,
    new: Object.fromEntries(changed.map((k) => [k, after[k]])) as Partial<T>,
  };
}
