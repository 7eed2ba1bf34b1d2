import { css } from 'lit';

/** The conversation's look; loaded with the conversation itself (assistant-chat.ts). */
export const assistantStyles = css`
  section {
    display: flex;
    flex-direction: column;
    gap: var(--_gap);
  }
  .messages {
    display: flex;
    flex-direction: column;
    gap: 8px;
    height: var(--tc-assistant-height, 360px);
    margin: 0;
    padding: 12px;
    overflow-y: auto;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  .msg {
    margin: 0;
    max-width: 85%;
    padding: 8px 12px;
    border-radius: var(--_radius);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .user {
    align-self: flex-end;
    color: var(--_bg);
    background: var(--_accent);
  }
  .assistant {
    align-self: flex-start;
    background: var(--_bg);
    border: 1px solid var(--_border);
  }
  /* A question waiting for the answer before it: outlined, not filled, with the same contrast as answers. */
  .user.queued {
    color: var(--_text);
    background: var(--_bg);
    border: 1px dashed var(--_accent);
  }
  .hint,
  .typing {
    color: var(--_muted);
  }
  .alert {
    margin: 0;
  }
  form {
    display: flex;
    gap: 8px;
    align-items: flex-end;
  }
  textarea {
    flex: 1;
    resize: vertical;
    font: inherit;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 8px;
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
`;
