import type { Proposal } from '#domain/proposal.ts';
import { Layout, MessagePage } from './layout.tsx';
import { ProposalFacts } from './proposal-parts.tsx';

/** Asks the PMO to confirm restarting a failed or expired review; only the button's POST restarts. */
export function RestartPage(props: { proposal: Proposal; secret: string }) {
  const { proposal } = props;
  return (
    <Layout title={`Restart review: ${proposal.title}`}>
      <h1>Restart the review of “{proposal.title}”?</h1>
      <p>
        Its review {proposal.status === 'EXPIRED' ? 'expired without a decision' : 'failed'}
        {proposal.outcome?.error ? `: ${proposal.outcome.error}` : ''}. Restarting sends it through the approval policy again from the first level;
        its history is kept, and the submitter is told it is in review again.
      </p>
      <ProposalFacts proposal={proposal} />
      <form method="post" action={`/proposals/${encodeURIComponent(proposal.id)}/restart`}>
        <input type="hidden" name="key" value={props.secret} />
        <div class="actions">
          <button type="submit" class="approve">
            Restart review
          </button>
          <a class="button secondary" href={`/proposals/${encodeURIComponent(proposal.id)}`}>
            Not now
          </a>
        </div>
      </form>
    </Layout>
  );
}

/** When the proposal is no longer in a state its restart link was for. */
export function NotRestartablePage(props: { proposal: Proposal }) {
  return (
    <MessagePage title="Nothing to restart">
      <p>
        “{props.proposal.title}” is {props.proposal.status === 'SUBMITTED' || props.proposal.status === 'IN_REVIEW' ? 'in review already' : 'decided'}; this link
        no longer restarts anything.
      </p>
      <p>
        <a href={`/proposals/${encodeURIComponent(props.proposal.id)}`}>See the proposal</a>
      </p>
    </MessagePage>
  );
}
