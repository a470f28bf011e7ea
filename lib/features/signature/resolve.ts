/**
 * Which signature to insert, as a pure function of what Balise keeps: the registry, the templates, the
 * person's details and the BAL being written from. The default follows that BAL: its situation → that
 * situation's preferred BAL → that situation's template (else the default template, else defaultTemplate()).
 * Rendering goes through renderSignature, which escapes every value.
 */
import type { Bal, SignatureTemplate } from '../../store/schemas';
import type { Profile } from '../../registry/schemas';
import { resolveSending, situationKey, type SendingContext } from '../../registry/rules';
import { defaultTemplate, renderSignature, type RenderedSignature, type SignatureTemplate as TemplateText, type SignatureVars } from './template';

/** The template for a situation: its own, else the user's default ('' situation), else the built-in one. */
export function pickTemplate(
  templates: readonly Pick<SignatureTemplate, 'situation' | 'text' | 'html'>[],
  situation: string | null,
  locale: 'fr' | 'en',
): TemplateText & { source: 'situation' | 'default' | 'builtin' } {
  const key = situationKey(situation ?? '');
  const own = key ? templates.find((t) => situationKey(t.situation) === key) : undefined;
  if (own) return { text: own.text, ...(own.html ? { html: own.html } : {}), source: 'situation' };
  const def = templates.find((t) => situationKey(t.situation) === '');
  if (def) return { text: def.text, ...(def.html ? { html: def.html } : {}), source: 'default' };
  return { text: defaultTemplate(locale), source: 'builtin' };
}

/** The signature variables for a sending context. */
export function signatureVars(profile: Profile | null | undefined, ctx: Pick<SendingContext, 'situation' | 'preferredAddress'>): SignatureVars {
  const p = profile ?? {};
  const vars: SignatureVars = {};
  const set = (k: keyof SignatureVars, v: string | null | undefined) => {
    if (typeof v === 'string' && v.trim() !== '') vars[k] = v;
  };
  set('prenom', p.prenom);
  set('nom', p.nom);
  set('profession', p.profession);
  set('specialite', p.specialite);
  set('rpps', p.rpps);
  set('telephone', p.telephone);
  set('bal_preferee', ctx.preferredAddress);
  set('situation', ctx.situation?.label);
  set('structure', ctx.situation?.structure);
  return vars;
}

export interface ResolvedSignature {
  context: SendingContext;
  template: ReturnType<typeof pickTemplate>;
  signature: RenderedSignature;
}

export interface SignatureSources {
  bals: readonly Bal[];
  templates: readonly Pick<SignatureTemplate, 'situation' | 'text' | 'html'>[];
  profile: Profile | null | undefined;
  locale: 'fr' | 'en';
}

/** The signature for a message written from `from` (or, when unknown, on the webmail at `origin`). */
export function resolveSignature(src: SignatureSources, from: string | null, origin?: string | null): ResolvedSignature {
  const context = resolveSending(src.bals, from, origin);
  const template = pickTemplate(src.templates, context.situation?.label ?? null, src.locale);
  return { context, template, signature: renderSignature(template, signatureVars(src.profile, context)) };
}
