import { environment } from '#adapters/environment.ts';

// Every link the product emails. Secrets travel only in the query string of these links, which
// the pages never log and never pass on (Referrer-Policy: no-referrer).

function link(path: string, query?: Record<string, string>): string {
  const search = query ? `?${new URLSearchParams(query).toString()}` : '';
  return `${environment.publicBaseUrl}${path}${search}`;
}

/** An approval page, with the approver's secret and the decision the button in the email chose. */
export function approvalLink(approvalId: string, secret: string, decision: 'approve' | 'reject'): string {
  return link(`/approvals/${encodeURIComponent(approvalId)}`, { key: secret, decision });
}

/** A page of the web app by its path (a subject's page, a project). */
export function pageUrl(path: string): string {
  return link(path);
}

/** The public page of a proposal. */
export function proposalPageUrl(proposalId: string): string {
  return link(`/proposals/${encodeURIComponent(proposalId)}`);
}

/** The submitter's page to withdraw a proposal in review. */
export function withdrawLink(proposalId: string, secret: string): string {
  return link(`/proposals/${encodeURIComponent(proposalId)}/withdraw`, { key: secret });
}

/** The PMO's page to restart the review of a proposal that failed or expired. */
export function restartLink(proposalId: string, secret: string): string {
  return link(`/proposals/${encodeURIComponent(proposalId)}/restart`, { key: secret });
}

/** The submitter's page to revise and resubmit a rejected proposal. */
export function reviseLink(proposalId: string, secret: string): string {
  return link(`/proposals/${encodeURIComponent(proposalId)}/revise`, { key: secret });
}

/** The page where anyone asks for a link to set their out-of-office delegate. */
export function delegationRequestUrl(): string {
  return link('/delegation');
}

/** A person's own delegation page, with the secret from the access email. */
export function delegationLink(email: string, secret: string): string {
  return link(`/people/${encodeURIComponent(email)}/delegation`, { key: secret });
}
