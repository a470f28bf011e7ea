/**
 * Every catalog, merged. Add a feature's catalog here (one line). Build-time and type-only: runtime code
 * reaches messages through browser.i18n (lib/i18n/t.ts), never by importing this file.
 */
import core from './core';
import popup from './popup';
import options from './options';
import cleanup from './cleanup';
import quota from './quota';
import exportCatalog from './export';
import registry from './registry';
import compose from './compose';
import unrecognised from './unrecognised';

export const catalogs = { core, popup, options, quota, registry, compose, export: exportCatalog, cleanup, unrecognised } as const;

type Merge<T> = { [K in keyof T]: T[K] }[keyof T];
type KeysOf<T> = T extends unknown ? keyof T : never;
export type MessageKey = KeysOf<Merge<typeof catalogs>> & string;
