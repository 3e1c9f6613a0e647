import { benchBundles } from './bundle-size.ts';
import { benchIntake } from './intake-latency.ts';

// `npm run bench`: prints numbers; it asserts nothing and has no thresholds.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
benchBundles();
await benchIntake();
