import { SESv2Client } from '@aws-sdk/client-sesv2';

/** SES v2, for every email the product sends; created once per execution environment. */
export const sesClient = new SESv2Client({});
