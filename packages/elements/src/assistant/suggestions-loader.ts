import type { TokenSessionController } from '../session/session-controller.js';

export const SUGGESTIONS_PATH = '/embed/assistant/suggestions';
const MAX_SUGGESTIONS = 6;

/**
 * Questions to offer before the first one is asked, from `GET /embed/assistant/suggestions` (written from the
 * table metadata). Optional: a server without them, or a failure, just shows none — never an error.
 */
export class SuggestionsLoader {
  questions: string[] = [];
  private requested = false;

  constructor(
    private readonly session: TokenSessionController,
    private readonly changed: () => void,
  ) {}

  load(): void {
    if (this.requested) return;
    this.requested = true;
    void this.session
      .fetch(SUGGESTIONS_PATH, { headers: { accept: 'application/json' } })
      .then((response) => response.json() as Promise<{ suggestions?: unknown }>)
      .then((body) => {
        const list = Array.isArray(body.suggestions) ? body.suggestions.filter((item): item is string => typeof item === 'string') : [];
        this.questions = list.slice(0, MAX_SUGGESTIONS);
        if (this.questions.length > 0) this.changed();
      })
      .catch(() => {
        this.questions = [];
      });
  }
}
