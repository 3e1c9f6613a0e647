import * as z from 'zod';
import type { PersonRef } from './person-ref.ts';
import type { ProjectStatus } from './project.ts';

// The portfolio's key figures, for the scheduled reports and the portfolio pages alike. Pure: the
// caller gathers the data (with queries) and passes the day it is about; money stays in integer
// minor units per currency, percentages stay unrounded until they are shown.

/** When a project turns amber or red; every threshold configurable (functions/config/rag-rules.json). */
export const RagRulesSchema = z
  .object({
    /** Spending ahead of elapsed time by this many percentage points or more. */
    burnAheadAmberPoints: z.number().min(0).max(100),
    burnAheadRedPoints: z.number().min(0).max(100),
    /** The forecast end after the planned end by more than this many days. */
    slipAmberDays: z.number().int().min(0),
    slipRedDays: z.number().int().min(0),
    /** How long an approval may wait before it counts as overdue. */
    approvalOverdueHours: z.number().positive(),
  })
  .strict()
  .refine((rules) => rules.burnAheadRedPoints >= rules.burnAheadAmberPoints && rules.slipRedDays >= rules.slipAmberDays, {
    message: 'A red threshold is at least its amber one',
  });
export type RagRules = z.infer<typeof RagRulesSchema>;

/** A project's status light; `none` for a closed project, which is not rated. */
export type Rag = 'red' | 'amber' | 'green' | 'none';

/** A light in words: a light is never shown by colour alone. */
export const RAG_LABELS: Readonly<Record<Rag, string>> = { red: 'Red', amber: 'Amber', green: 'Green', none: 'Not rated' };

/** How bad each light is, for sorting (red first). */
export const RAG_SEVERITY: Readonly<Record<Rag, number>> = { red: 3, amber: 2, green: 1, none: 0 };

/** What the KPIs need of a project, gathered by the caller. */
export interface ProjectKpiInput {
  readonly id: string;
  readonly title: string;
  readonly department: string;
  readonly status: ProjectStatus;
  readonly manager: PersonRef;
  readonly currency: string;
  readonly budgetMinor: number;
  readonly actualsMinor: number;
  readonly committedMinor: number;
  readonly plannedStart: string;
  readonly plannedEnd: string;
  /** When the manager now expects to finish; the planned end when nobody said otherwise. */
  readonly forecastEnd?: string;
  readonly hoursThisPeriod: number;
  readonly hoursToDate: number;
}

/** A project's key figures and status light, with the reasons in words. */
export interface ProjectKpis extends ProjectKpiInput {
  /** Share of the planned duration that has passed, 0–100. */
  readonly elapsedPercent: number;
  /** Actuals as a share of the budget; null for a project without a budget. */
  readonly burnPercent: number | null;
  /** Budget − actuals − committed (negative when overspent). */
  readonly remainingMinor: number;
  /** What the project will have cost when it ends, at its rate of spending so far. */
  readonly forecastAtCompletionMinor: number;
  /** Forecast end − planned end, in days (positive: late). */
  readonly scheduleVarianceDays: number;
  readonly rag: Rag;
  /** Why the light is what it is, worst first; empty for a green project. */
  readonly reasons: readonly string[];
}

const DAY_MS = 86_400_000;

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** Below this share of elapsed time, spending so far says too little to extrapolate from. */
const MIN_ELAPSED_TO_FORECAST = 10;

/**
 * A project's key figures on `asOf` (a date in the organisation's zone):
 * - elapsed time counts whole days from the planned start, the start and end days included, so a
 *   project is 100 % elapsed on its planned end;
 * - the forecast at completion is what is spent and committed, or, once a tenth of the time has
 *   passed, the actuals extrapolated at their rate so far if that is more; a closed project costs
 *   what it spent and committed;
 * - the light is red when actuals exceed the budget, spending runs ahead of time by the red points,
 *   or the forecast end slips by more than the red days; amber at the amber thresholds.
 */
export function projectKpis(project: ProjectKpiInput, asOf: string, rules: RagRules): ProjectKpis {
  const duration = daysBetween(project.plannedStart, project.plannedEnd) + 1;
  const passed = daysBetween(project.plannedStart, asOf) + 1;
  const elapsedPercent = Math.min(100, Math.max(0, (passed / Math.max(duration, 1)) * 100));
  const burnPercent = project.budgetMinor > 0 ? (project.actualsMinor / project.budgetMinor) * 100 : null;
  const spent = project.actualsMinor + project.committedMinor;
  const extrapolated = elapsedPercent >= MIN_ELAPSED_TO_FORECAST ? Math.round(project.actualsMinor / (elapsedPercent / 100)) : 0;
  const forecastAtCompletionMinor =
    project.status === 'CLOSED' ? spent : elapsedPercent >= MIN_ELAPSED_TO_FORECAST ? Math.max(spent, extrapolated) : Math.max(spent, project.budgetMinor);
  const scheduleVarianceDays = daysBetween(project.plannedEnd, project.forecastEnd ?? project.plannedEnd);
  const base = { ...project, elapsedPercent, burnPercent, remainingMinor: project.budgetMinor - spent, forecastAtCompletionMinor, scheduleVarianceDays };
  if (project.status === 'CLOSED') return { ...base, rag: 'none', reasons: ['Closed: not rated'] };

  const red: string[] = [];
  const amber: string[] = [];
  if (project.actualsMinor > project.budgetMinor) red.push('Actuals exceed the budget');
  if (burnPercent !== null) {
    const ahead = burnPercent - elapsedPercent;
    const words = `Spending is ${Math.round(ahead)} points ahead of time (${Math.round(burnPercent)} % of the budget spent, ${Math.round(elapsedPercent)} % of the time elapsed)`;
    if (ahead >= rules.burnAheadRedPoints) red.push(words);
    else if (ahead >= rules.burnAheadAmberPoints) amber.push(words);
  }
  const slip = `The forecast end is ${scheduleVarianceDays} days after the planned end`;
  if (scheduleVarianceDays > rules.slipRedDays) red.push(slip);
  else if (scheduleVarianceDays > rules.slipAmberDays) amber.push(slip);
  if (project.status === 'ON_HOLD') amber.push('On hold');
  const rag: Rag = red.length > 0 ? 'red' : amber.length > 0 ? 'amber' : 'green';
  return { ...base, rag, reasons: [...red, ...amber] };
}

/** Sums per currency: EUR and USD are never added together. */
export function totalsByCurrency<T>(items: readonly T[], currencyOf: (item: T) => string, amountOf: (item: T) => number): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const item of items) totals[currencyOf(item)] = (totals[currencyOf(item)] ?? 0) + amountOf(item);
  return totals;
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** A decided proposal, as the intake funnel reads it. */
export interface DecidedProposal {
  readonly status: string;
  readonly submittedAt: string;
  readonly decidedAt: string;
}

/** The intake funnel of a period [from, until). */
export interface IntakeFunnel {
  readonly submitted: number;
  readonly inReview: number;
  readonly approved: number;
  readonly rejected: number;
  /** Median hours from submission to decision, of the proposals approved or rejected in the period. */
  readonly medianHoursToDecision: number | null;
}

/** The funnel from the period's submissions count, what is in review now, and the period's decisions. */
export function intakeFunnel(input: { readonly submittedInPeriod: number; readonly inReview: number; readonly decided: readonly DecidedProposal[] }, period: { readonly from: Date; readonly until: Date }): IntakeFunnel {
  const inPeriod = input.decided.filter((decision) => decision.decidedAt >= period.from.toISOString() && decision.decidedAt < period.until.toISOString());
  const decisive = inPeriod.filter((decision) => decision.status === 'APPROVED' || decision.status === 'REJECTED');
  return {
    submitted: input.submittedInPeriod,
    inReview: input.inReview,
    approved: inPeriod.filter((decision) => decision.status === 'APPROVED').length,
    rejected: inPeriod.filter((decision) => decision.status === 'REJECTED').length,
    medianHoursToDecision: median(decisive.map((decision) => (Date.parse(decision.decidedAt) - Date.parse(decision.submittedAt)) / 3_600_000)),
  };
}

/** An approval waiting for a decision. */
export interface PendingApproval {
  readonly approver: PersonRef;
  readonly subjectTitle: string;
  readonly requestedAt: string;
}

/** Pending approvals with their age, oldest first, the overdue ones marked. */
export function pendingApprovals(approvals: readonly PendingApproval[], now: Date, rules: Pick<RagRules, 'approvalOverdueHours'>): (PendingApproval & { ageHours: number; overdue: boolean })[] {
  return approvals
    .map((approval) => {
      const ageHours = (now.getTime() - Date.parse(approval.requestedAt)) / 3_600_000;
      return { ...approval, ageHours, overdue: ageHours > rules.approvalOverdueHours };
    })
    .sort((a, b) => b.ageHours - a.ageHours);
}

/** Why an exception-only report should go out: red projects, overdue approvals, missing timesheets. */
export function needsAttention(input: { readonly projects: readonly Pick<ProjectKpis, 'rag' | 'title'>[]; readonly overdueApprovals: number; readonly missingTimesheets: number }): string[] {
  const reasons: string[] = [];
  const red = input.projects.filter((project) => project.rag === 'red');
  if (red.length > 0) reasons.push(`${red.length} red project${red.length === 1 ? '' : 's'}: ${red.map((project) => project.title).join(', ')}`);
  if (input.overdueApprovals > 0) reasons.push(`${input.overdueApprovals} overdue approval${input.overdueApprovals === 1 ? '' : 's'}`);
  if (input.missingTimesheets > 0) reasons.push(`${input.missingTimesheets} timesheet${input.missingTimesheets === 1 ? '' : 's'} missing or short`);
  return reasons;
}

/** Projects by status light and by status, for the portfolio's summary. */
export function countsBy<T, K extends string>(items: readonly T[], keyOf: (item: T) => K): Partial<Record<K, number>> {
  const counts: Partial<Record<K, number>> = {};
  for (const item of items) counts[keyOf(item)] = (counts[keyOf(item)] ?? 0) + 1;
  return counts;
}

/** The portfolio page's orders: worst light first, most burnt, latest, soonest to end, by title. */
export const PROJECT_SORTS = {
  rag: (a: ProjectKpis, b: ProjectKpis) => RAG_SEVERITY[b.rag] - RAG_SEVERITY[a.rag] || a.title.localeCompare(b.title),
  burn: (a: ProjectKpis, b: ProjectKpis) => (b.burnPercent ?? -1) - (a.burnPercent ?? -1) || a.title.localeCompare(b.title),
  variance: (a: ProjectKpis, b: ProjectKpis) => b.scheduleVarianceDays - a.scheduleVarianceDays || a.title.localeCompare(b.title),
  end: (a: ProjectKpis, b: ProjectKpis) => a.plannedEnd.localeCompare(b.plannedEnd) || a.title.localeCompare(b.title),
  title: (a: ProjectKpis, b: ProjectKpis) => a.title.localeCompare(b.title),
} as const;
export type ProjectSort = keyof typeof PROJECT_SORTS;
