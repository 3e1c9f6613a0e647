import { createRequire } from 'node:module';

/** One finding of ValidateStateMachineDefinition, in the API's shape. */
export interface DefinitionDiagnostic {
  readonly severity: 'ERROR' | 'WARNING';
  readonly code: string;
  readonly message: string;
  readonly location?: string;
}

/** ValidateStateMachineDefinition's answer. */
export interface DefinitionValidation {
  readonly result: 'OK' | 'FAIL';
  readonly diagnostics: DefinitionDiagnostic[];
  readonly truncated: boolean;
}

interface AslValidatorError {
  readonly 'Error code': string;
  readonly Message: string;
  readonly schemaError?: { readonly instancePath?: string };
}
/** asl-validator ships no type declarations; this is the part of its API used here. */
type AslValidator = (definition: unknown, options?: { checkArn?: boolean; checkPaths?: boolean }) => { errors: AslValidatorError[] };
const validateAsl = createRequire(import.meta.url)('asl-validator') as AslValidator;

const DEFAULT_MAX_RESULTS = 100;

/**
 * Checks an Amazon States Language text as ValidateStateMachineDefinition does, with asl-validator
 * (the JSON schema of the language, transitions, terminal states, duplicate names): its error codes
 * are the service's (`SCHEMA_VALIDATION_FAILED`, `MISSING_TRANSITION_TARGET`, …) and a text that is
 * not JSON is `INVALID_JSON_DESCRIPTION`. It reports errors only; the service's warnings (such as
 * unused variables) have no counterpart here.
 */
export function validateDefinition(definitionText: string, options: { maxResults?: number } = {}): DefinitionValidation {
  let diagnostics: DefinitionDiagnostic[];
  let definition: unknown;
  try {
    definition = JSON.parse(definitionText);
  } catch (error) {
    diagnostics = [{ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION', message: error instanceof Error ? error.message : 'Not valid JSON' }];
    return finish(diagnostics, options.maxResults);
  }
  if (typeof definition !== 'object' || definition === null || Array.isArray(definition)) {
    return finish([{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'The definition must be a JSON object', location: '' }], options.maxResults);
  }
  diagnostics = validateAsl(definition, { checkArn: true, checkPaths: true }).errors.map((error) => ({
    severity: 'ERROR',
    code: error['Error code'],
    message: error.Message,
    ...(error.schemaError?.instancePath ? { location: error.schemaError.instancePath } : {}),
  }));
  return finish(diagnostics, options.maxResults);
}

function finish(diagnostics: DefinitionDiagnostic[], maxResults: number | undefined): DefinitionValidation {
  const limit = maxResults && maxResults > 0 ? maxResults : DEFAULT_MAX_RESULTS;
  return {
    result: diagnostics.some((diagnostic) => diagnostic.severity === 'ERROR') ? 'FAIL' : 'OK',
    diagnostics: diagnostics.slice(0, limit),
    truncated: diagnostics.length > limit,
  };
}
