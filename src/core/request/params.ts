/**
 * The zod schemas of the one parameter schema (parameterSpecs.ts), for the protocol, prompt files and deployment
 * config. Everything else about parameters is re-exported from there.
 */
import * as z from 'zod/mini';
import { REASONING_EFFORTS } from './chatRequest';
import { PARAMETERS, PARAMETER_NAMES, REASONING, type Parameter, type ParameterName, type ValueOf } from './parameterSpecs';

export * from './parameterSpecs';

/** 128000 → "128,000", without Intl: building the schemas at start-up must not load the locale data. */
function grouped(value: number): string {
  const [whole, fraction] = String(value).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+$)/g, ',')}${fraction === undefined ? '' : `.${fraction}`}`;
}

function valueSchema(parameter: Parameter) {
  if (parameter.type === 'choice') return z.enum(parameter.values as [string, ...string[]], `must be one of ${parameter.values.join(', ')}`);
  const base = parameter.type === 'integer' ? z.int('must be a whole number') : z.number();
  return base.check(
    parameter.minExclusive ? z.gt(parameter.min, `must be above ${parameter.min}`) : z.minimum(parameter.min, `is below ${parameter.min}`),
    z.maximum(parameter.max, `is above ${grouped(parameter.max)}`),
  );
}

/** The zod shape of every parameter, each optional: spread into the protocol, prompt-file and config schemas. */
export const paramsShape = Object.fromEntries(PARAMETER_NAMES.map((name) => [name, z.optional(valueSchema(PARAMETERS[name]))])) as unknown as {
  [K in ParameterName]: z.ZodMiniOptional<z.ZodMiniType<ValueOf<(typeof PARAMETERS)[K]>>>;
};
export const paramsSchema = z.strictObject(paramsShape);

export const reasoningSchema = z.union([
  z.strictObject({ effort: z.enum(REASONING_EFFORTS, `must be one of ${REASONING_EFFORTS.join(', ')}`) }),
  z.strictObject({ budgetTokens: z.int('must be a whole number').check(z.minimum(REASONING.minBudget, `is below ${REASONING.minBudget}`), z.maximum(REASONING.maxBudget, `is above ${grouped(REASONING.maxBudget)}`)) }),
]);

