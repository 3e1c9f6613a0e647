import { App, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { PmoStack } from './pmo-stack.ts';

/**
 * The CDK app (`npx cdk synth|deploy`, see cdk.json). The stack is environment-agnostic: it
 * deploys to the account and region of the CLI's credentials, and synthesizes offline. Context
 * `stackName` (default `PmoPipeline`) lets one account hold several copies, e.g. staging.
 */
const app = new App();
const stackName: unknown = app.node.tryGetContext('stackName');
const stack = new PmoStack(app, typeof stackName === 'string' && stackName !== '' ? stackName : 'PmoPipeline', {
  description: 'PMO Pipeline: project intake and approval workflow (serverless).',
});
Tags.of(stack).add('project', 'pmo-pipeline');
// Every synth is checked against the AWS Solutions rules (cdk-nag 3 is a policy validation
// plugin); a finding that is not acknowledged with a reason fails the synth.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
