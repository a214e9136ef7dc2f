/** The address people use to reach ICMap, for links it hands out. */
import type { FastifyRequest } from 'fastify';
import type { Config } from '../config.js';

export function linkBase(request: FastifyRequest, config: Pick<Config, 'publicUrl'>): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`;
}
