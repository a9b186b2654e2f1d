/**
 * The function's one Logger (Powertools, JSON lines): every module of a Lambda function logs
 * through this instance, so log level, service name and correlation fields are set in one place.
 * Metrics have their one instance beside the request log (functions/http/observability.ts).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { environment } from './environment';

export const logger = new Logger({ serviceName: environment.serviceName() });
