/** The `batch` field of a Bedrock deployment, checked with the config: an S3 location and a service role ARN. */
import * as z from 'zod/mini';
import { pattern } from '../../core/config/fields';
import { ROLE_ARN, S3_URI } from './batchConfig';

export const batchField = z.optional(z.strictObject({
  s3Uri: pattern(S3_URI, 'is not an S3 location such as "s3://my-bucket/fanout-batch"'),
  roleArn: pattern(ROLE_ARN, 'is not an IAM role ARN such as "arn:aws:iam::123456789012:role/FanoutBatch"'),
}));

export const BATCH_FIELD_HINTS = {
  batch: 'give { "s3Uri": "s3://bucket/prefix", "roleArn": "arn:aws:iam::123456789012:role/…" }: where batch input and output go, and the service role Bedrock assumes to read and write there',
  s3Uri: 'give an S3 location in the deployment\'s region, e.g. "s3://my-bucket/fanout-batch"',
  roleArn: 'give the ARN of a service role Bedrock can assume, with read and write on that location, e.g. "arn:aws:iam::123456789012:role/FanoutBatch"',
};

