import { define } from '../internal/define.js';
import { TcAiAssistant } from './tc-ai-assistant.component.js';

export { TcAiAssistant };

define('tc-ai-assistant', TcAiAssistant);

declare global {
  interface HTMLElementTagNameMap {
    'tc-ai-assistant': TcAiAssistant;
  }
}
