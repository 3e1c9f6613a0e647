import type { Proposal } from '#domain/proposal.ts';
import { Layout, MessagePage } from './layout.tsx';
import { ProposalFacts } from './proposal-parts.tsx';

/** Asks the submitter to confirm a withdrawal; only the button's POST withdraws. */
export function WithdrawPage(props: { proposal: Proposal; secret: string }) {
  const { proposal } = props;
  return (
    <Layout title={`Withdraw: ${proposal.title}`}>
      <h1>Withdraw “{proposal.title}”?</h1>
      <p>Withdrawing stops the review: approvers are no longer asked and their links stop working. This cannot be undone.</p>
      <ProposalFacts proposal={proposal} />
      <form method="post" action={`/proposals/${encodeURIComponent(proposal.id)}/withdraw`}>
        <input type="hidden" name="key" value={props.secret} />
        <div class="actions">
          <button type="submit" class="reject">
            Withdraw proposal
          </button>
          <a class="button secondary" href={`/proposals/${encodeURIComponent(proposal.id)}`}>
            Keep it
          </a>
        </div>
      </form>
    </Layout>
  );
}

/** After a withdrawal. */
export function WithdrawnPage(props: { proposal: Proposal; approversTold?: number }) {
  const told =
    props.approversTold === undefined
      ? ''
      : props.approversTold === 0
        ? ' No approver had been asked yet.'
        : ` ${props.approversTold === 1 ? 'Its approver was' : `Its ${props.approversTold} approvers were`} told by email that there is nothing to decide.`;
  return (
    <MessagePage title="Proposal withdrawn" tone="ok">
      <p>
        “{props.proposal.title}” was withdrawn.{told}
      </p>
      <p>
        <a href={`/proposals/${encodeURIComponent(props.proposal.id)}`}>See the proposal</a>
      </p>
    </MessagePage>
  );
}

/** When the proposal's state no longer allows what the submitter's link offers. */
export function NotPossiblePage(props: { proposal: Proposal; what: string }) {
  return (
    <MessagePage title="Not possible any more">
      <p>
        “{props.proposal.title}” is {props.proposal.status.toLowerCase().replace('_', ' ')}, so it can no longer be {props.what}.
      </p>
      <p>
        <a href={`/proposals/${encodeURIComponent(props.proposal.id)}`}>See the proposal</a>
      </p>
    </MessagePage>
  );
}
