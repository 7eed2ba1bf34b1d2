import { define } from '../internal/define.js';
import { TcDashboard } from './tc-dashboard.component.js';

export { TcDashboard };

define('tc-dashboard', TcDashboard);

declare global {
  interface HTMLElementTagNameMap {
    'tc-dashboard': TcDashboard;
  }
}
