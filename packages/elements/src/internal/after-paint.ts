/**
 * Runs `task` once the next frame has been painted: a requestAnimationFrame callback runs just before that
 * paint, and a task it queues runs after it. For work that must not hold back showing what is already rendered.
 */
export function afterNextPaint(task: () => void): void {
  requestAnimationFrame(() => setTimeout(task, 0));
}
