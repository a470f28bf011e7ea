/** The CSS every shadow-root UI starts from: tokens + kit. Pass it (plus the feature's own CSS) to mountShadow(). */
import tokens from './tokens.css?inline';
import kit from './kit.css?inline';

export const BASE_CSS = `${tokens}\n${kit}`;
