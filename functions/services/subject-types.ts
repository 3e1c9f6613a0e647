import { proposalRegistration } from './proposal-subject.ts';
import { invoiceRegistration } from './invoice-subject.ts';
import { registerSubjectType } from './review/subject-registry.ts';
import { timesheetEditRegistration } from './timesheet-edit-subject.ts';

/**
 * Every process whose subjects the review engine reviews. The functions that run the engine
 * (its workflow steps, the sweeper, the web app) import this module once; a new process adds its
 * registration here.
 */
registerSubjectType(proposalRegistration);
registerSubjectType(timesheetEditRegistration);
registerSubjectType(invoiceRegistration);
