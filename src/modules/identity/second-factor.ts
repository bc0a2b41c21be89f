// A second factor for HQ staff: TOTP (RFC 6238, otplib) with single-use recovery codes. The secret
// is sealed at rest; a code is accepted once (its time step is remembered), one step either side.
import { randomCode } from '../../random.js';
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';
import type { Clock } from '../../context.js';
import { inTransaction, type Db, type Executor } from '../../db/database.js';
import { badRequest, conflict, unauthorized } from '../../errors.js';
import type { AuditService } from '../audit/index.js';
import { hashOpaque, type TokenSigner } from './tokens.js';

const ISSUER = 'Fenxiao 分销';
const RECOVERY_CODES = 10;
const STEP_SECONDS = 30;

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrDataUrl: string;
}

function newRecoveryCode(): string {
  // 10 characters from an unambiguous alphabet, shown as xxxxx-xxxxx
  const chars = randomCode('abcdefghjkmnpqrstuvwxyz23456789', 10);
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}

const normaliseRecovery = (code: string) => code.trim().toLowerCase().replace(/[^a-z0-9]/g, '');

export class SecondFactorService {
  constructor(
    private readonly db: Db,
    private readonly signer: TokenSigner,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async isEnabled(ex: Executor, memberId: number): Promise<boolean> {
    const row = await ex.selectFrom('member_second_factors').select('enabled_at').where('member_id', '=', memberId).executeTakeFirst();
    return Boolean(row?.enabled_at);
  }

  /** A new secret, not yet in force: enabling needs a code made from it. */
  async setup(memberId: number, label: string): Promise<TotpSetup> {
    if (await this.isEnabled(this.db, memberId)) throw conflict('MFA_ALREADY_ENABLED', 'a second factor is already on: turn it off first');
    const secret = generateSecret();
    const sealed = this.signer.seal(secret);
    await this.db
      .insertInto('member_second_factors')
      .values({ member_id: memberId, totp_secret_sealed: sealed, created_at: this.clock.now() })
      .onConflict((oc) => oc.column('member_id').doUpdateSet({ totp_secret_sealed: sealed, last_used_step: null, created_at: this.clock.now() }))
      .execute();
    const otpauthUrl = generateURI({ issuer: ISSUER, label, secret });
    return { secret, otpauthUrl, qrDataUrl: await QRCode.toDataURL(otpauthUrl, { margin: 1, width: 240 }) };
  }

  /** Turns the factor on with a first code; answers the recovery codes, shown this once. */
  async enable(memberId: number, code: string): Promise<string[]> {
    return inTransaction(this.db, async (tx) => {
      const row = await tx.selectFrom('member_second_factors').selectAll().where('member_id', '=', memberId).forUpdate().executeTakeFirst();
      if (!row) throw badRequest('MFA_NOT_SET_UP', 'set up the authenticator first');
      if (row.enabled_at) throw conflict('MFA_ALREADY_ENABLED', 'a second factor is already on');
      const step = await this.checkTotp(row.totp_secret_sealed, code, row.last_used_step);
      if (step === null) throw badRequest('MFA_CODE_INVALID', 'the code is wrong or expired');
      await tx.updateTable('member_second_factors').set({ enabled_at: this.clock.now(), last_used_step: step }).where('member_id', '=', memberId).execute();
      const codes = Array.from({ length: RECOVERY_CODES }, newRecoveryCode);
      await tx.deleteFrom('member_recovery_codes').where('member_id', '=', memberId).execute();
      await tx.insertInto('member_recovery_codes').values(codes.map((c) => ({ member_id: memberId, code_hash: hashOpaque(normaliseRecovery(c)) }))).execute();
      await this.audit.record(tx, { actorId: memberId, action: 'member.mfa', targetType: 'member', targetId: memberId, before: { mfa: false }, after: { mfa: true } });
      return codes;
    });
  }

  async disable(memberId: number, code: string): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      if (!(await this.verifyIn(tx, memberId, { code }))) throw badRequest('MFA_CODE_INVALID', 'the code is wrong or expired');
      await tx.deleteFrom('member_recovery_codes').where('member_id', '=', memberId).execute();
      await tx.deleteFrom('member_second_factors').where('member_id', '=', memberId).execute();
      await this.audit.record(tx, { actorId: memberId, action: 'member.mfa', targetType: 'member', targetId: memberId, before: { mfa: true }, after: { mfa: false } });
    });
  }

  /** The sign-in's second step: a TOTP code once, or an unused recovery code. */
  async verifyForLogin(memberId: number, proof: { code?: string; recoveryCode?: string }): Promise<void> {
    const ok = await inTransaction(this.db, (tx) => this.verifyIn(tx, memberId, proof));
    if (!ok) throw unauthorized('MFA_CODE_INVALID', 'the code is wrong or expired');
  }

  private async verifyIn(tx: Executor, memberId: number, proof: { code?: string; recoveryCode?: string }): Promise<boolean> {
    const row = await tx.selectFrom('member_second_factors').selectAll().where('member_id', '=', memberId).where('enabled_at', 'is not', null).forUpdate().executeTakeFirst();
    if (!row) return false;
    if (proof.recoveryCode) {
      const used = await tx
        .updateTable('member_recovery_codes')
        .set({ used_at: this.clock.now() })
        .where('member_id', '=', memberId)
        .where('code_hash', '=', hashOpaque(normaliseRecovery(proof.recoveryCode)))
        .where('used_at', 'is', null)
        .executeTakeFirst();
      return Number(used.numUpdatedRows) === 1;
    }
    if (!proof.code) return false;
    const step = await this.checkTotp(row.totp_secret_sealed, proof.code, row.last_used_step);
    if (step === null) return false;
    // the step is remembered under the row lock: the same code cannot sign in twice
    await tx.updateTable('member_second_factors').set({ last_used_step: step }).where('member_id', '=', memberId).execute();
    return true;
  }

  /** The code's time step when it is right and newer than the last one used; null otherwise. */
  private async checkTotp(sealed: string, code: string, lastStep: number | null): Promise<number | null> {
    if (!/^\d{6}$/.test(code)) return null;
    const secret = this.signer.unseal(sealed);
    const epoch = Math.floor(Date.now() / 1000);
    const result = await verify({ secret, token: code, epoch, epochTolerance: STEP_SECONDS, ...(lastStep !== null ? { afterTimeStep: Number(lastStep) } : {}) }).catch(() => ({ valid: false }) as const);
    return result.valid ? (result as { timeStep: number }).timeStep : null;
  }
}
