import { stateMachineArnVariable, type WorkflowKey } from '#workflows/contracts.ts';

/**
 * Configuration of the functions, read from environment variables through getters so that a
 * missing variable fails with a message naming it, at the first use rather than as `undefined`.
 */
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value.trim() === '') {
    throw new Error(`Missing configuration: environment variable ${name} is not set`);
  }
  return value;
}

export const environment = {
  /** The single DynamoDB table of the product. */
  get tableName(): string {
    return required('TABLE_NAME');
  },
  /** ARN of a workflow's state machine (`INTAKE_STATE_MACHINE_ARN` for the intake). */
  stateMachineArn(workflow: WorkflowKey): string {
    return required(stateMachineArnVariable(workflow));
  },
  /** The private bucket of invoice attachments (and report archives). */
  get filesBucket(): string {
    return required('FILES_BUCKET');
  },
  /**
   * Where a browser posts an upload to the files bucket: the S3 endpoint's origin (the S3-compatible
   * store's, when `AWS_ENDPOINT_URL_S3` names one), for the pages' Content-Security-Policy. None
   * without a files bucket.
   */
  get filesUploadOrigin(): string | undefined {
    const bucket = process.env.FILES_BUCKET;
    if (!bucket) return undefined;
    const endpoint = process.env.AWS_ENDPOINT_URL_S3;
    return endpoint ? new URL(endpoint).origin : `https://${bucket}.s3.${process.env.AWS_REGION ?? 'us-east-1'}.amazonaws.com`;
  },
  /** Whether S3 is addressed by path rather than host name (`S3_FORCE_PATH_STYLE=true`: an S3-compatible store that needs it). */
  get s3ForcePathStyle(): boolean {
    return process.env.S3_FORCE_PATH_STYLE === 'true';
  },
  /** The verified sender of every email. */
  get emailFrom(): string {
    return required('EMAIL_FROM');
  },
  /** Optional SES configuration set for delivery events and reputation metrics. */
  get emailConfigurationSet(): string | undefined {
    return process.env.EMAIL_CONFIGURATION_SET || undefined;
  },
  /** The web app's public base URL, for links in emails (no trailing slash). */
  get publicBaseUrl(): string {
    return required('PUBLIC_BASE_URL').replace(/\/+$/, '');
  },
  /** The OpenID Connect issuer whose tokens sign people in (the Cognito user pool; the local provider). */
  get authIssuer(): string {
    return required('AUTH_ISSUER').replace(/\/+$/, '');
  },
  /** The app client of the issuer: the audience of the access tokens the API accepts. */
  get authClientId(): string {
    return required('AUTH_CLIENT_ID');
  },
  /** The provider's sign-out URL, when its discovery document names none (Cognito's managed login). */
  get authLogoutUrl(): string | undefined {
    return process.env.AUTH_LOGOUT_URL || undefined;
  },
  /**
   * The organisation's time zone (an IANA name), in which pages and emails give dates and times.
   * `ORG_TIME_ZONE`, else Europe/Berlin: the approval policy counts in EUR, and UTC would show a
   * European office times an hour or two off. A name Intl does not know fails, naming the variable.
   */
  get orgTimeZone(): string {
    const zone = process.env.ORG_TIME_ZONE?.trim() || 'Europe/Berlin';
    try {
      return new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      throw new Error(`Invalid configuration: environment variable ORG_TIME_ZONE is "${zone}", not a time zone such as Europe/Berlin`);
    }
  },
  /**
   * The most hours one person books in a week (`TIMESHEET_WEEKLY_CAP_HOURS`, default 60): above it
   * a timesheet is a typing error more likely than a week's work. Quarter hours, up to 168.
   */
  get timesheetWeeklyCapHours(): number {
    const raw = process.env.TIMESHEET_WEEKLY_CAP_HOURS?.trim();
    if (!raw) return 60;
    const hours = Number(raw);
    if (!Number.isFinite(hours) || hours <= 0 || hours > 168 || !Number.isInteger(hours * 4)) {
      throw new Error(`Invalid configuration: environment variable TIMESHEET_WEEKLY_CAP_HOURS is "${raw}", not a number of hours from 0.25 to 168 such as 60`);
    }
    return hours;
  },
  /**
   * How many hours a submitted week may fall short of the expected hours and still not be chased
   * (`TIMESHEET_TOLERANCE_HOURS`, default 0.5): rounding, a short break booked differently.
   * Quarter hours, from 0 to 40.
   */
  get timesheetToleranceHours(): number {
    const raw = process.env.TIMESHEET_TOLERANCE_HOURS?.trim();
    if (!raw) return 0.5;
    const hours = Number(raw);
    if (!Number.isFinite(hours) || hours < 0 || hours > 40 || !Number.isInteger(hours * 4)) {
      throw new Error(`Invalid configuration: environment variable TIMESHEET_TOLERANCE_HOURS is "${raw}", not a number of hours from 0 to 40 in quarter hours such as 0.5`);
    }
    return hours;
  },
};
