// The buyer's address book (收货地址): list, add, edit, make default, delete — always the caller's own.
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../../services.js';
import { member, type Auth } from '../auth.js';
import { intOut, listOf, noContent, shippingAddressOut } from '../responses.js';
import { idParams, shippingAddressInput } from '../schemas.js';

const addressOut = shippingAddressOut.extend({ id: intOut, isDefault: z.boolean().describe('the one checkout starts with') });
const addressBody = shippingAddressInput.extend({ isDefault: z.boolean().optional().describe('true: make it the default (the first address is the default anyway)') });

export function addressRoutes(app: FastifyInstance, s: Services, auth: Auth) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['members'];
  r.get('/api/me/addresses', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'My address book: the default first, then the newest', response: { 200: listOf(addressOut) } },
  }, async (req) => ({ items: await s.addresses.list(s.db, member(req).id) }));
  r.post('/api/me/addresses', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Add an address (at most 20: 422 ADDRESS_BOOK_FULL)', body: addressBody, response: { 201: addressOut } },
  }, async (req, reply) => reply.status(201).send(await s.addresses.create(member(req).id, req.body)));
  r.put('/api/me/addresses/:id', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Change one of my addresses', params: idParams, body: addressBody, response: { 200: addressOut } },
  }, async (req) => s.addresses.update(member(req).id, req.params.id, req.body));
  r.post('/api/me/addresses/:id/default', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Make one of my addresses the default', params: idParams, response: { 200: addressOut } },
  }, async (req) => s.addresses.setDefault(member(req).id, req.params.id));
  r.delete('/api/me/addresses/:id', {
    preHandler: auth.authenticate,
    schema: { tags, summary: 'Delete one of my addresses (the default passes to the newest left)', params: idParams, response: { 204: noContent } },
  }, async (req, reply) => {
    await s.addresses.remove(member(req).id, req.params.id);
    return reply.status(204).send();
  });
}
