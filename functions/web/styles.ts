/** The one stylesheet, served from /assets/styles.css so pages need no inline styles or scripts. */
export const STYLESHEET = `
:root { --ink: #1b1b1b; --muted: #555; --line: #d0d7de; --accent: #0b57d0; --ok: #1a7f37; --bad: #b42318; --warn: #9a6700; --bg: #f6f8fa; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
header.site { background: #0f2a4a; color: #fff; padding: 12px 24px; display: flex; gap: 24px; align-items: center; }
header.site a { color: #fff; text-decoration: none; }
header.site .brand { font-weight: 700; font-size: 18px; }
nav.scopes { display: flex; flex-wrap: wrap; gap: 8px 20px; margin: 8px 0 16px; }
header.site .signed-in { margin-left: auto; display: flex; gap: 12px; align-items: center; font-size: 14px; }
header.site .signed-in button.link { background: none; border: 1px solid #fff; color: #fff; padding: 4px 10px; border-radius: 4px; cursor: pointer; font: inherit; }
main { max-width: 880px; margin: 0 auto; padding: 24px; }
main.wide { max-width: 1240px; }
h1 { font-size: 28px; margin: 8px 0 16px; }
h2 { font-size: 20px; margin: 28px 0 8px; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
legend { font-weight: 600; padding: 0 4px; }
.field { margin: 12px 0; }
.field label, .field .label { display: block; font-weight: 600; margin-bottom: 4px; }
.hint { color: var(--muted); font-size: 14px; margin: 0 0 4px; }
input[type=text], input[type=email], input[type=number], input[type=date], select, textarea { width: 100%; max-width: 560px; padding: 8px; border: 1px solid #8c959f; border-radius: 4px; font: inherit; }
textarea { min-height: 120px; }
.row { display: flex; gap: 16px; flex-wrap: wrap; }
.row .field { flex: 1 1 200px; }
.ratings { display: flex; gap: 12px; flex-wrap: wrap; }
.ratings label { font-weight: 400; display: inline-flex; gap: 4px; align-items: center; }
.error-text { color: var(--bad); font-weight: 600; margin: 4px 0; }
.field.has-error input, .field.has-error textarea, .field.has-error select { border: 2px solid var(--bad); }
.error-summary { border: 3px solid var(--bad); padding: 12px 16px; border-radius: 6px; margin-bottom: 16px; }
.error-summary h2 { margin-top: 0; }
button, .button { display: inline-block; padding: 10px 20px; border-radius: 4px; border: 0; font: inherit; font-weight: 600; cursor: pointer; background: var(--accent); color: #fff; text-decoration: none; }
button.approve { background: var(--ok); }
button.reject { background: var(--bad); }
button.secondary, .button.secondary { background: #eaeef2; color: var(--ink); }
button.chosen { outline: 3px solid #0f2a4a; outline-offset: 2px; }
/* Focus rings: black, 2px off the element, so the ring sits on the white page (21:1) and stands
   apart from every button colour (accent 3.3:1, approve 4.1:1, reject 3.2:1, secondary 17:1).
   On the navy header it is white (14.5:1). */
a:focus-visible, button:focus-visible, .button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #000; outline-offset: 2px; }
header.site a:focus-visible { outline-color: #fff; }
.error-summary:focus { outline: 3px solid #000; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
td.num, th.num { text-align: right; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; }
dl.summary dt { font-weight: 600; }
dl.summary dd { margin: 0; min-width: 0; overflow-wrap: anywhere; }
.status { display: inline-block; white-space: nowrap; padding: 2px 10px; border-radius: 12px; font-size: 14px; font-weight: 700; background: #eaeef2; }
.status.APPROVED { background: #dafbe1; color: var(--ok); }
.status.REJECTED, .status.FAILED { background: #ffebe9; color: var(--bad); }
.status.EXPIRED { background: #fff8c5; color: var(--warn); }
.status.IN_REVIEW, .status.PENDING { background: #ddf4ff; color: var(--accent); }
.notice { background: var(--bg); border-left: 4px solid var(--accent); padding: 12px 16px; margin: 16px 0; }
.notice.ok { border-color: var(--ok); }
.notice.bad { border-color: var(--bad); }
.notice.warn { border-color: var(--warn); }
.notice p { margin: 0; }
.notice p + p { margin-top: 8px; }
.description { white-space: pre-wrap; }
ol.timeline { padding-left: 20px; }
ol.timeline li { margin: 6px 0; }
.muted { color: var(--muted); }
.actions { display: flex; gap: 12px; margin: 16px 0; flex-wrap: wrap; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.table-scroll { overflow-x: auto; max-width: 100%; margin: 8px 0; border: 1px solid var(--line); border-radius: 6px; }
.table-scroll:focus { outline: 3px solid #0f2a4a; outline-offset: 2px; }
.table-scroll table { margin: 0; min-width: 680px; }
.nowrap { white-space: nowrap; }
table.portfolio { min-width: 960px; }
.stage { font-size: 14px; color: var(--muted); margin-top: 4px; }
/* Phones: less chrome around the content, so a page's first screen holds what matters (on the
   approval page, the facts and the decision buttons). Nothing may be wider than the screen. */
@media (max-width: 480px) {
  header.site { padding: 8px 16px; gap: 4px 16px; flex-wrap: wrap; }
  header.site nav { font-size: 14px; }
  main { padding: 12px 16px; }
  h1 { font-size: 22px; margin: 4px 0 8px; }
  h2 { font-size: 18px; margin: 20px 0 6px; }
  .field { margin: 8px 0; }
  dl.summary { grid-template-columns: 1fr; gap: 0; }
  dl.summary dt { font-size: 14px; color: var(--muted); margin-top: 6px; }
  .actions { margin: 12px 0; }
}
dl.project-facts dd { overflow-wrap: anywhere; }
.filters { align-items: flex-end; }
.filters .field { margin: 0; }
.status.ACTIVE { background: #dafbe1; color: var(--ok); }
.status.ON_HOLD { background: #fff8c5; color: var(--warn); }
.status.CLOSED { background: #eaeef2; color: var(--muted); }
/* The directory (people pages). */
.status.DEACTIVATED { background: #ffebe9; color: var(--bad); }
.field label.checkbox { display: inline-flex; gap: 8px; align-items: center; }
.field label.checkbox input { width: 20px; height: 20px; margin: 0; }
table.people td.email { overflow-wrap: anywhere; }
/* Phones: each person becomes a block of labelled lines, so nothing needs scrolling sideways. */
@media (max-width: 480px) {
  .table-scroll table.people { min-width: 0; }
  table.people, table.people tbody, table.people tr, table.people td { display: block; }
  table.people thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  table.people tr { padding: 8px 0; border-bottom: 1px solid var(--line); }
  table.people td { border: 0; padding: 2px 12px; }
  table.people td[data-label]::before { content: attr(data-label) ": "; font-weight: 600; }
}
/* The timesheet week page: a projects × days grid. On a phone the grid scrolls sideways inside its
   region while the project column stays in view (sticky), so every day's cell can be reached. */
.status.DRAFT { background: #fff8c5; color: var(--warn); }
.status.SUBMITTED { background: #dafbe1; color: var(--ok); }
.status.NOT_STARTED { background: #eaeef2; color: var(--muted); }
.week-nav { display: flex; justify-content: space-between; gap: 12px; margin: 8px 0 12px; }
.status.rag-red { background: #ffebe9; color: var(--bad); }
.status.rag-amber { background: #fff8c5; color: var(--warn); }
.status.rag-green { background: #dafbe1; color: var(--ok); }
.chart { margin: 8px 0 16px; max-width: 640px; }
.chart figcaption { font-size: 14px; color: var(--muted); }
.filters label { display: inline-block; margin: 0 12px 8px 0; }
.status-nav { display: flex; flex-wrap: wrap; gap: 8px 16px; margin: 8px 0 12px; }
.table-scroll table.timesheet { min-width: 700px; }
table.timesheet th, table.timesheet td { padding: 4px 6px; vertical-align: middle; }
table.timesheet thead th { white-space: nowrap; font-size: 14px; }
table.timesheet tbody th, table.timesheet tfoot th, table.timesheet thead th:first-child { position: sticky; left: 0; z-index: 1; background: #fff; min-width: 150px; max-width: 220px; overflow-wrap: anywhere; box-shadow: inset -1px 0 0 var(--line); }
table.timesheet tfoot th, table.timesheet tfoot td { background: var(--bg); font-weight: 600; }
table.timesheet tfoot tr.expected th, table.timesheet tfoot tr.expected td { font-weight: 400; color: var(--muted); }
table.timesheet input.hours { width: 4.5em; max-width: none; padding: 6px; text-align: right; }
table.timesheet select { width: 100%; min-width: 140px; padding: 6px; font-weight: 400; }
table.timesheet td.has-error input.hours { border: 2px solid var(--bad); }
table.timesheet .cell-error { display: block; max-width: 9em; font-size: 12px; font-weight: 600; white-space: normal; text-align: left; }
table.timesheet .error-text { font-size: 13px; }
table.timesheet td.total { font-weight: 600; }
form.no-work { margin-top: 24px; }
.scroll-hint { display: none; }
form.no-work textarea { min-height: 64px; }
@media (max-width: 480px) {
  table.timesheet tbody th, table.timesheet tfoot th, table.timesheet thead th:first-child { min-width: 112px; max-width: 132px; font-size: 14px; }
  table.timesheet input.hours { width: 3.8em; }
  table.timesheet select { min-width: 108px; }
  .week-nav { font-size: 14px; }
  .scroll-hint { display: block; }
}
`;
