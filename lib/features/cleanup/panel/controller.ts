/**
 * What the cleanup panel does, without any rendering: a small state machine the Preact view draws.
 *
 *   opening → planning → preview ─apply→ running(trash) → report ─delete-forever→ confirm-delete
 *                 ↑          │                              │ └undo→ running(undo) → report
 *                 └─refresh──┘                              └confirm-delete→ running(delete, export first) → report
 *
 * The plan is a snapshot (plan.ts): the trash job only gets the plan's ids; the permanent deletion only gets the
 * trash group's ids plus what the trash job moved (at their new place in the trash), never anything else.
 * Execution, journal, locks and undo are the runner's (run/); the export before deleting is export.ts's, bridged by
 * delete-export.ts. The state and the outside functions (PanelDeps) are in state.ts.
 *
 * Why one file past 400 lines: every transition of the machine above (and of the largest-messages view, which ends
 * in the same apply) reads and writes the one state and must be read together to see that no path deletes what the
 * preview did not show; what is not a transition already lives elsewhere (state.ts, delete-export.ts, plan.ts, run/).
 */
import type { Webmail } from '../../../webmail/types';
import { isWebmailError } from '../../../webmail/types';
import type { Bus, FoldersRead } from '../../bus';
import type { CleanupRules, JobItem, Plan, PlannedMessage, Report } from '../types';
import { LARGEST_DEFAULT, largestOfMailbox } from '../largest';
import { buildPlan, classifySnapshot, plannedMessages, searchKey, takeSnapshot, type Snapshot } from '../plan';
import { defaultRules, ruleDefaultsOf } from '../rules';
import { refKey } from '../classify';
import type { Exporter, RunOptions } from '../run';
import type { ExportTarget, SaveFile } from '../../../export';
import { codeOf, initialState, type PanelDeps, type PanelState } from './state';
import { deletionExporter, exportFileBase, type ExportHost } from './delete-export';

export type { ExportState, PanelDeps, PanelState, Stage } from './state';

/**
 * How old the folder list may be (read by the opening, or by the quota meter just before) for the panel to use it
 * rather than read it again.
 */
const FOLDERS_FRESH_MS = 15_000;

export class CleanupController {
  state: PanelState;
  private listeners = new Set<() => void>();
  private abort: AbortController | null = null;
  private subjects = new Map<string, PlannedMessage>();
  private readonly host: ExportHost;
  /** When the opening read the folder list (null once a preview used it). */
  private foldersReadAt: number | null = null;

  constructor(
    readonly webmail: Webmail,
    readonly deps: PanelDeps,
    readonly env: { origin: string; bus?: Bus; signal?: AbortSignal },
  ) {
    this.state = initialState();
    this.host = {
      webmail,
      deps,
      state: () => this.state,
      set: (patch) => this.set(patch),
      subject: (key) => this.subjects.get(key),
    };
    env.signal?.addEventListener('abort', () => this.abort?.abort(), { once: true });
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private set(patch: Partial<PanelState>): void {
    this.state = { ...this.state, ...patch };
    for (const fn of [...this.listeners]) fn();
  }

  /** A planned or listed message by key (for the report's subjects). */
  message(key: string): PlannedMessage | undefined {
    return this.subjects.get(key);
  }

  /**
   * First step: who is this, is a job already running or interrupted, the default rules; then a preview, or, with
   * view 'largest-mailbox', the whole mailbox's largest messages (no preview is prepared then).
   */
  async open(view?: 'largest-mailbox', given?: FoldersRead): Promise<void> {
    try {
      // The figures the opener (the quota meter's panel) just asked, while fresh: not the same requests again (if that
      // read failed, they are read here).
      const reuse = given && this.deps.now() - given.at < FOLDERS_FRESH_MS ? given : null;
      const folderList = reuse ? reuse.list.then((l) => (l.length ? l : this.webmail.folders()), () => this.webmail.folders()) : this.webmail.folders();
      const [account, settings, folders] = await Promise.all([this.webmail.account(), this.deps.settings(), folderList]);
      const bal = account.address.toLowerCase();
      this.foldersReadAt = reuse ? reuse.at : this.deps.now();
      const rules = defaultRules(settings, folders, bal);
      const locked = settings.locked ?? [];
      this.set({
        bal,
        folders,
        rules,
        exportFirst: settings.exportBeforeDelete,
        exportReadable: settings.exportReadable ?? true,
        exportLocked: settings.exportBeforeDelete && locked.includes('cleanup.exportBeforeDelete'),
        clinicalLocked: settings.protectClinical && locked.includes('cleanup.protectClinical'),
      });
      const status = await this.deps.cleanupStatus(bal).catch(() => null);
      if (status?.running && !status.running.sameTab) {
        this.set({ stage: { kind: 'locked' } });
        return;
      }
      this.set({ resumable: status?.resumable ?? null, undoable: !!status?.undoable, trashJobId: status?.undoable?.jobId ?? null });
    } catch (e) {
      this.set({ stage: { kind: 'failed', reason: codeOf(e) } });
      return;
    }
    if (view === 'largest-mailbox') await this.openLargest();
    else await this.refresh();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The whole mailbox's largest messages: listed by ../largest.ts, chosen rows go through the same job path as the
  // preview (a plan of exactly those rows: trash job, report, undo; those already in the trash: the deletion step).

  /** List the N largest messages of every folder (stops a preview being prepared). */
  async openLargest(limit = LARGEST_DEFAULT): Promise<void> {
    if (this.state.stage.kind === 'running' || this.state.stage.kind === 'locked') return;
    this.abort?.abort();
    const ctl = (this.abort = new AbortController());
    this.set({
      stage: { kind: 'largest' },
      error: null,
      largest: { status: 'loading', progress: { done: 0, total: 0 }, rows: [], selected: new Set(), error: null, ms: null, calls: 0 },
    });
    const patch = (p: Partial<NonNullable<PanelState['largest']>>) => {
      if (this.abort === ctl && this.state.largest) this.set({ largest: { ...this.state.largest, ...p } });
    };
    try {
      // The folder list read when the panel opened, unless a job changed the mailbox since.
      const folders = this.state.folders.length && !this.state.report ? this.state.folders : await this.webmail.folders();
      if (this.abort !== ctl) return;
      this.set({ folders });
      const r = await largestOfMailbox(this.webmail, folders, { limit, signal: ctl.signal, onProgress: (progress) => patch({ progress }) });
      patch({ status: 'ready', rows: r.rows, ms: Math.round(r.ms), calls: r.calls });
    } catch (e) {
      if (ctl.signal.aborted) return;
      patch({ status: 'failed', error: codeOf(e) });
    } finally {
      if (this.abort === ctl) this.abort = null;
    }
  }

  /** Choose a row for the trash (true) or keep it (false). */
  setLargestSelected(key: string, on: boolean): void {
    const l = this.state.largest;
    if (!l) return;
    const selected = new Set(l.selected);
    if (on) selected.add(key);
    else selected.delete(key);
    this.set({ largest: { ...l, selected } });
  }

  /** Back from the largest messages: the preview if there is one, else a new one. */
  async leaveLargest(): Promise<void> {
    if (this.state.stage.kind !== 'largest') return;
    this.abort?.abort();
    if (this.state.plan && this.state.snapshot && !this.state.report) this.set({ stage: { kind: 'preview' } });
    else await this.refresh();
  }

  /**
   * Apply to the chosen rows: a plan of exactly them (group 'large' for those to move, 'trash' for those already
   * there), then the one apply path (trash job → report → undo; the trash's rows: the deletion step, export first).
   */
  async applyLargest(): Promise<void> {
    const l = this.state.largest;
    if (this.state.stage.kind !== 'largest' || !l || l.status !== 'ready' || !this.state.rules) return;
    const chosen = l.rows.filter((r) => l.selected.has(refKey(r.summary.ref)));
    if (!chosen.length) return;
    const planned = (inTrash: boolean): PlannedMessage[] =>
      chosen.filter((r) => r.inTrash === inTrash).map((r) => ({ summary: r.summary, group: inTrash ? 'trash' : 'large', folderPath: r.folderPath, protections: [] }));
    const group = (kind: 'large' | 'trash') => {
      const messages = planned(kind === 'trash');
      return { kind, messages, count: messages.length, bytes: messages.reduce((a, m) => a + m.summary.size, 0), bytesPrecision: messages.reduce((a, m) => a + m.summary.sizePrecision, 0) };
    };
    const groups = [group('large'), group('trash')].filter((g) => g.count > 0);
    const bytes = groups.reduce((a, g) => a + g.bytes, 0);
    const plan: Plan = {
      id: globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`,
      createdAt: this.deps.now(),
      bal: this.state.bal,
      origin: this.env.origin,
      rules: this.state.rules,
      groups,
      quotaBefore: null,
      freedByMove: 0,
      freedByEmptyTrash: bytes,
      freedPrecision: groups.reduce((a, g) => a + g.bytesPrecision, 0),
      projectedUsed: null,
    };
    for (const g of groups) for (const m of g.messages) this.subjects.set(refKey(m.summary.ref), m);
    // The preview's snapshot (if any) no longer describes the plan: "new preview" takes a fresh one.
    this.set({ plan, snapshot: null, kept: new Set(), stale: false, report: null, trashJobId: null });
    await this.apply();
  }

  /** Take a new snapshot with the current rules. */
  async refresh(): Promise<void> {
    const rules = this.state.rules;
    if (!rules) return;
    this.abort?.abort();
    const ctl = (this.abort = new AbortController());
    this.set({ stage: { kind: 'planning', progress: { phase: 'folders', done: 0, total: 1 } }, error: null, kept: new Set() });
    // The first preview after opening uses the folder list the opening just read (fewer requests to the webmail);
    // any later one reads it again.
    const fresh = this.foldersReadAt !== null && this.deps.now() - this.foldersReadAt < FOLDERS_FRESH_MS && !this.state.report && this.state.folders.length ? this.state.folders : undefined;
    this.foldersReadAt = null;
    try {
      const snapshot = await takeSnapshot(
        {
          ...(fresh ? { folders: fresh } : {}),
          webmail: this.webmail,
          bal: this.state.bal,
          origin: this.env.origin,
          now: this.deps.now,
          cache: this.deps.cache(this.state.bal),
          signal: ctl.signal,
          onProgress: (progress) => this.state.stage.kind === 'planning' && this.set({ stage: { kind: 'planning', progress } }),
        },
        rules,
      );
      if (ctl.signal.aborted) return;
      this.setSnapshot(snapshot);
    } catch (e) {
      if (this.abort !== ctl) return;
      if (ctl.signal.aborted || (isWebmailError(e) && e.code === 'aborted')) this.set({ stage: { kind: 'cancelled' } });
      else this.set({ stage: { kind: 'failed', reason: codeOf(e) } });
    } finally {
      if (this.abort === ctl) this.abort = null;
    }
  }

  private setSnapshot(snapshot: Snapshot): void {
    this.subjects.clear();
    for (const c of snapshot.candidates) this.subjects.set(refKey(c.summary.ref), { summary: c.summary, group: c.group, folderPath: c.folderPath, protections: [] });
    this.set({ snapshot, stale: false, stage: { kind: 'preview' } });
    this.rebuild();
  }

  private rebuild(): void {
    const { snapshot, rules, kept } = this.state;
    if (!snapshot || !rules) return;
    const plan = buildPlan(snapshot, rules, kept);
    for (const g of plan.groups) for (const m of g.messages) this.subjects.set(refKey(m.summary.ref), m);
    this.set({ plan });
  }

  /**
   * Change the rules. Changes to what is searched mark the preview stale (a new snapshot is needed); changes to
   * protections apply at once (classifying first whatever now needs a verdict).
   */
  async setRules(next: CleanupRules): Promise<void> {
    const snap = this.state.snapshot;
    this.set({ rules: next, rulesSaved: null });
    if (!snap || searchKey(next) !== searchKey(snap.rules)) {
      this.set({ stale: !!snap });
      return;
    }
    this.set({ stale: false });
    if (next.protect.clinical) {
      const ctl = (this.abort = new AbortController());
      try {
        await classifySnapshot(
          {
            webmail: this.webmail,
            cache: this.deps.cache(this.state.bal),
            signal: ctl.signal,
            onProgress: (progress) => this.set({ stage: { kind: 'planning', progress } }),
          },
          snap,
          next,
        );
      } catch {
        // Whatever could not be classified stays 'unverified' (kept).
      } finally {
        if (this.abort === ctl) this.abort = null;
      }
      this.set({ stage: { kind: 'preview' } });
    }
    this.rebuild();
  }

  /**
   * "Keep these settings as my defaults": the current rules (not the one-off whole-folder choice, nor the clinical
   * confirmation) become what the panel starts with next time. Nothing else changes.
   */
  async saveRules(): Promise<void> {
    const rules = this.state.rules;
    if (!rules || !this.state.bal || this.state.rulesSaved === 'saving') return;
    this.set({ rulesSaved: 'saving' });
    try {
      await this.deps.saveRuleDefaults(this.state.bal, ruleDefaultsOf(rules));
      // Only if the rules did not change meanwhile: "saved" must describe what is on screen.
      if (this.state.rules === rules) this.set({ rulesSaved: 'saved' });
    } catch {
      if (this.state.rules === rules) this.set({ rulesSaved: 'failed' });
    }
  }

  setIncludeClinical(include: boolean): void {
    if (!this.state.rules || (include && this.state.clinicalLocked)) return;
    this.set({ rules: { ...this.state.rules, includeClinical: include } });
    this.rebuild();
  }

  /** Per-message opt-out: keep (true) or plan again (false). */
  setKept(key: string, keep: boolean): void {
    const kept = new Set(this.state.kept);
    if (keep) kept.add(key);
    else kept.delete(key);
    this.set({ kept });
    this.rebuild();
  }

  setExportFirst(on: boolean): void {
    if (!on && this.state.exportLocked) return;
    this.set({ exportFirst: on });
  }

  setExportReadable(on: boolean): void {
    this.set({ exportReadable: on });
  }

  /** Stop planning, or stop the running job after its current batch. */
  cancel(): void {
    const s = this.state.stage;
    if (s.kind === 'running') this.set({ stage: { ...s, stopping: true } });
    this.abort?.abort();
  }

  private runOptions(ctl: AbortController): RunOptions {
    const opts: RunOptions = {
      signal: ctl.signal,
      onProgress: (progress) => {
        const s = this.state.stage;
        if (s.kind === 'running') this.set({ stage: { ...s, progress } });
      },
    };
    if (this.env.bus) opts.bus = this.env.bus;
    return opts;
  }

  private async runJob(action: 'trash' | 'delete' | 'undo', go: (opts: RunOptions) => Promise<Report>): Promise<Report | null> {
    const ctl = (this.abort = new AbortController());
    this.set({ stage: { kind: 'running', action, progress: null, stopping: false }, error: null });
    try {
      const report = await go(this.runOptions(ctl));
      this.set({ report, stage: { kind: 'report' } });
      return report;
    } catch (e) {
      this.set({ error: codeOf(e), stage: { kind: this.state.report && action !== 'trash' ? 'report' : 'preview' } });
      return null;
    } finally {
      if (this.abort === ctl) this.abort = null;
    }
  }

  /** The one "apply" button: move the plan's messages (not those already in the trash) to the trash. */
  async apply(): Promise<void> {
    const plan = this.state.plan;
    if (!plan || this.state.stale) return;
    const items: JobItem[] = plannedMessages(plan)
      .filter((m) => m.group !== 'trash')
      .map((m) => ({ ref: m.summary.ref, size: m.summary.size }));
    if (!items.length) {
      // Only the trash group: nothing to move, straight to the deletion step.
      this.set({ report: null, trashJobId: null, undoable: false });
      await this.deleteForever();
      return;
    }
    const report = await this.runJob('trash', (opts) =>
      this.deps.startJob(this.webmail, { bal: this.state.bal, origin: this.env.origin, plan, action: 'trash', items }, opts),
    );
    if (!report) return;
    // Moved messages are known under their place in the trash from now on (undo and deletion reports use it).
    for (const l of report.lines) {
      const m = l.now ? this.subjects.get(refKey(l.ref)) : undefined;
      if (m && l.now) this.subjects.set(refKey(l.now), { ...m, summary: { ...m.summary, ref: l.now } });
    }
    const undoable = await this.deps.findUndoableJob(this.state.bal).catch(() => null);
    this.set({ trashJobId: report.jobId, undoable: undoable?.jobId === report.jobId, exportView: null });
  }

  /** Put the last trash job's messages back. */
  async undo(): Promise<void> {
    const report = await this.runJob('undo', (opts) => this.deps.undoLastJob(this.webmail, this.state.bal, opts));
    if (report) this.set({ undoable: false, trashJobId: null });
  }

  /**
   * Second step, first click: list exactly what emptying the trash would delete — the preview's trash group and
   * what the last trash job moved there (at its place in the trash) — and ask for confirmation.
   */
  async deleteForever(): Promise<void> {
    const plan = this.state.plan;
    if (!plan) return;
    const trashGroup: JobItem[] = plan.groups.find((g) => g.kind === 'trash')?.messages.map((m) => ({ ref: m.summary.ref, size: m.summary.size })) ?? [];
    let moved: JobItem[] = [];
    let missing = 0;
    const report = this.state.report;
    if (this.state.trashJobId && report?.action === 'trash') {
      try {
        moved = await this.deps.trashedItems(this.state.trashJobId);
      } catch (e) {
        this.set({ error: codeOf(e) });
      }
      missing = Math.max(0, report.movedCount - moved.length);
    }
    const seen = new Set<string>();
    const deleteItems = [...trashGroup, ...moved].filter((i) => {
      const k = refKey(i.ref);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    // Subjects of moved messages, for the report and the export manifest, under their new keys.
    for (const it of moved) {
      const from = it.restoreTo ? this.findMoved(it) : undefined;
      if (from) this.subjects.set(refKey(it.ref), { ...from, summary: { ...from.summary, ref: it.ref } });
    }
    this.set({ deleteItems, deleteMissing: missing, stage: { kind: 'confirm-delete' } });
  }

  private findMoved(it: JobItem): PlannedMessage | undefined {
    const line = this.state.report?.lines.find((l) => l.now && refKey(l.now) === refKey(it.ref));
    return line ? this.subjects.get(refKey(line.ref)) : undefined;
  }

  back(): void {
    this.set({ stage: { kind: this.state.report ? 'report' : 'preview' } });
  }

  /** The exporter handed to the runner for a deletion (delete-export.ts). */
  private exporter(opts: { file: Promise<SaveFile> | null; target?: ExportTarget }): Exporter {
    return deletionExporter(this.host, opts);
  }

  /**
   * Second step, confirmation: export (unless the user turned it off) and delete exactly `deleteItems`.
   * Call from the click handler: the save dialog needs the click (pickFile runs before any await).
   */
  async confirmDelete(): Promise<void> {
    const items = this.state.deleteItems;
    if (!items.length) return;
    const picking = this.state.exportFirst ? this.deps.pickFile(`${exportFileBase(this.deps.now())}.zip`) : null;
    // An unhandled rejection if the user closes the dialog before the runner asks for the file: handled there.
    picking?.catch(() => undefined);
    const exporter = this.state.exportFirst ? this.exporter({ file: picking }) : undefined;
    this.set({ exportView: null });
    const plan = this.state.plan ?? undefined;
    const report = await this.runJob('delete', (opts) =>
      this.deps.startJob(
        this.webmail,
        { bal: this.state.bal, origin: this.env.origin, ...(plan ? { plan } : {}), action: 'delete', items, ...(exporter ? { exportFirst: exporter } : {}) },
        opts,
      ),
    );
    if (report) this.set({ undoable: false, trashJobId: null, deleteItems: [] });
  }

  /**
   * An interrupted job of this mailbox: resume it. A deletion that had not finished exporting exports again first
   * (into Downloads: the save dialog would need a click of its own).
   */
  async resume(): Promise<void> {
    const job = this.state.resumable;
    if (!job) return;
    const report = await this.runJob(job.action, (opts) => {
      if (job.action === 'delete') opts.exportFirst = this.exporter({ file: null, target: 'downloads' });
      return this.deps.resumeJob(this.webmail, job.jobId, opts);
    });
    if (report) {
      this.set({ resumable: null, trashJobId: report.action === 'trash' ? report.jobId : null });
      const undoable = await this.deps.findUndoableJob(this.state.bal).catch(() => null);
      this.set({ undoable: !!undoable && undoable.jobId === report.jobId });
    }
  }

  /**
   * The person's answer to a web firewall's block (never called by anything else: no automatic retry). Requests may go
   * out again (the adapter's pacer, lib/webmail/kit/request.ts); then the interrupted job resumes where it stopped, or,
   * when none was interrupted, a new preview is taken.
   */
  async unblock(): Promise<void> {
    this.webmail.pacing?.resume();
    this.set({ error: null });
    const status = await this.deps.cleanupStatus(this.state.bal).catch(() => null);
    if (status?.running && !status.running.sameTab) {
      this.set({ stage: { kind: 'locked' } });
      return;
    }
    this.set({ resumable: status?.resumable ?? null });
    if (this.state.resumable) await this.resume();
    else await this.refresh();
  }

  async abandon(): Promise<void> {
    const job = this.state.resumable;
    if (!job) return;
    try {
      const report = await this.deps.abandonJob(this.webmail, job.jobId);
      this.set({ resumable: null, report, stage: { kind: 'report' } });
    } catch (e) {
      this.set({ error: codeOf(e) });
    }
  }
}
