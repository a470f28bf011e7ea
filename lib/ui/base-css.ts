/** The CSS every shadow-root UI starts from: the design tokens (tokens.css) and the base styles of the shared components (base.css). Pass it, plus the feature's own CSS, to mountShadow(). */
import tokens from './tokens.css?inline';
import base from './base.css?inline';

export const BASE_CSS = `${tokens}\n${base}`;
