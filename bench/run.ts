import { benchBundles } from './bundle-size.ts';
import { benchIntake } from './intake-latency.ts';
import { benchLoad, loadSizeFromEnv } from './load.ts';
import { sizeFromEnv } from './support/measure.ts';
import { benchSignIn } from './sign-in.ts';
import { benchSoak } from './soak.ts';
import { benchTimesheetChase } from './timesheet-chase.ts';

// `npm run bench [-- <scenario>…]`: prints numbers; it asserts nothing and has no thresholds.
// Scenarios: bundles, intake, sign-in, load (these when none is named), chase (the timesheet chase
// of 5,000 people, PMO_BENCH_CHASE_PEOPLE; only when named) and soak (only when named; `npm run
// bench:soak` runs it with --expose-gc). PMO_BENCH_SIZE=ci makes every size small (the chase: 200
// people) and, unless named, leaves out the bundles (a CDK synth with esbuild takes most of a minute).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const SCENARIOS = ['bundles', 'intake', 'sign-in', 'load', 'chase', 'soak'] as const;
const named = process.argv.slice(2);
const unknown = named.filter((name) => !(SCENARIOS as readonly string[]).includes(name));
if (unknown.length > 0) throw new Error(`Unknown benchmark ${unknown.join(', ')}: choose from ${SCENARIOS.join(', ')}`);
const ci = process.env.PMO_BENCH_SIZE === 'ci';
const chosen = new Set(named.length > 0 ? named : ci ? ['intake', 'sign-in', 'load'] : ['bundles', 'intake', 'sign-in', 'load']);

if (chosen.has('bundles')) benchBundles(ci ? 1 : 5);
if (chosen.has('intake')) await benchIntake(ci ? 5 : 20);
if (chosen.has('sign-in')) await benchSignIn(ci ? 50 : 200);
if (chosen.has('load')) await benchLoad(loadSizeFromEnv(ci));
if (chosen.has('chase')) await benchTimesheetChase(sizeFromEnv('PMO_BENCH_CHASE_PEOPLE', ci ? 200 : 5000));
if (chosen.has('soak')) await benchSoak();
