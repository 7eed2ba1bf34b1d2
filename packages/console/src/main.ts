import './styles/theme.css';
import { applyTheme, storedTheme } from './util/theme.ts';
import './app/tc-console-app.ts';

applyTheme(storedTheme());
