// The real SMS adapters (official Aliyun and Tencent Cloud SDKs) against loopback fakes that verify
// signatures and parameters the way the providers document. No database, no internet.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AliyunSmsProvider, type AliyunSmsConfig } from '../../src/modules/members/sms-aliyun.js';
import { TencentSmsProvider, type TencentSmsConfig } from '../../src/modules/members/sms-tencent.js';
import { SmsSendError, type SmsFailureKind, type SmsProvider } from '../../src/modules/members/sms.js';
import { ALIYUN_FAKE_SIGN, startAliyunSmsFake, type AliyunSmsFake, type RecordedRequest } from '../fakes/aliyun-sms.js';
import { TENCENT_FAKE_SDK_APP_ID, TENCENT_FAKE_SIGN, startTencentSmsFake, type TencentSmsFake } from '../fakes/tencent-sms.js';

const PHONE = '13912345678';
const CODE = '482916';

/** Expects sendCode to fail with this kind (and provider code); the message must not leak phone or code. */
async function expectFailure(provider: SmsProvider, kind: SmsFailureKind, providerCode?: string, phone = PHONE): Promise<SmsSendError> {
  const err = await provider.sendCode(phone, CODE, 'register').then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SmsSendError);
  const e = err as SmsSendError;
  expect({ kind: e.kind, providerCode: providerCode ? e.providerCode : undefined }).toEqual({ kind, providerCode });
  expect(e.message).not.toContain(phone);
  expect(e.message).not.toContain(CODE);
  return e;
}

/** Sends a recorded request again, as given (after the test changed it), straight to the fake. */
function replay(port: number, r: RecordedRequest): Promise<{ status: number; json: Record<string, unknown> }> {
  const headers = { ...r.headers };
  delete headers['content-length'];
  delete headers.connection;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: r.method, path: r.url, headers: { ...headers, 'content-length': Buffer.byteLength(r.body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

/** A port nothing listens on. */
async function refusedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

describe('AliyunSmsProvider against the Aliyun fake', () => {
  const keys = { accessKeyId: 'LTAI5tFakeKeyId0001', accessKeySecret: 'fake-secret-aliyun-0001' };
  let fake: AliyunSmsFake;
  let config: AliyunSmsConfig;
  const provider = (over: Partial<AliyunSmsConfig> = {}) => new AliyunSmsProvider({ ...config, ...over });

  beforeEach(async () => {
    fake = await startAliyunSmsFake(keys);
    config = {
      ...keys,
      signName: ALIYUN_FAKE_SIGN,
      templateCodes: { register: 'SMS_460000001', login: 'SMS_460000002', reset_password: 'SMS_460000003' },
      endpoint: fake.url,
    };
  });
  afterEach(() => fake.close());

  it('sends the purpose template with the sign and {"code"} through a V3-signed request', async () => {
    await provider().sendCode(PHONE, CODE, 'register');
    await provider().sendCode('13700001111', '000123', 'reset_password');
    expect(fake.sent).toEqual([
      { phone: PHONE, signName: ALIYUN_FAKE_SIGN, templateCode: 'SMS_460000001', params: { code: CODE } },
      { phone: '13700001111', signName: ALIYUN_FAKE_SIGN, templateCode: 'SMS_460000003', params: { code: '000123' } },
    ]);
    expect(fake.lastCodeFor(PHONE)).toBe(CODE);
    expect(fake.lastCodeFor('+8613700001111')).toBe('000123');
    expect(String(fake.requests[0].headers.authorization)).toMatch(/^ACS3-HMAC-SHA256 Credential=LTAI5tFakeKeyId0001,SignedHeaders=host;x-acs-action;/);
    expect(provider().revealsCodes).toBe(false);
  });

  it.each<[string, SmsFailureKind]>([
    ['isv.BUSINESS_LIMIT_CONTROL', 'throttled'],
    ['Throttling.User', 'throttled'],
    ['isv.AMOUNT_NOT_ENOUGH', 'quota'],
    ['isv.OUT_OF_SERVICE', 'quota'],
    ['isv.DAY_LIMIT_CONTROL', 'quota'],
    ['isv.SMS_TEMPLATE_ILLEGAL', 'template'],
    ['isv.SMS_SIGNATURE_ILLEGAL', 'template'],
    ['isv.SMS_SIGN_ILLEGAL', 'template'],
    ['isv.TEMPLATE_MISSING_PARAMETERS', 'template'],
    ['InvalidAccessKeyId.NotFound', 'credentials'],
    ['SignatureDoesNotMatch', 'credentials'],
    ['isp.RAM_PERMISSION_DENY', 'credentials'],
    ['isv.MOBILE_NUMBER_ILLEGAL', 'phone'],
    ['isv.BLACK_KEY_CONTROL_LIMIT', 'phone'],
    ['isp.SYSTEM_ERROR', 'unavailable'],
    ['ServiceUnavailable', 'unavailable'],
  ])('maps %s to %s', async (code, kind) => {
    fake.failNext(code);
    await expectFailure(provider(), kind, code);
    expect(fake.sent).toEqual([]);
    await provider().sendCode(PHONE, CODE, 'login'); // the failure was for one call only
    expect(fake.sent).toHaveLength(1);
  });

  it('refuses what Aliyun refuses: unknown sign or template, wrong variable name, bad number', async () => {
    await expectFailure(provider({ signName: '未报备签名' }), 'template', 'isv.SMS_SIGNATURE_ILLEGAL');
    await expectFailure(provider({ templateCodes: { ...config.templateCodes, register: 'SMS_999' } }), 'template', 'isv.SMS_TEMPLATE_ILLEGAL');
    await expectFailure(provider({ codeParamName: 'otp' }), 'template', 'isv.TEMPLATE_MISSING_PARAMETERS');
    await expectFailure(provider(), 'phone', 'isv.MOBILE_NUMBER_ILLEGAL', '1234567');
    expect(fake.sent).toEqual([]);
  });

  it('enforces 1 code per minute per phone and sign, unless disabled', async () => {
    await provider().sendCode(PHONE, CODE, 'register');
    await expectFailure(provider(), 'throttled', 'isv.BUSINESS_LIMIT_CONTROL');
    fake.advanceClock(61_000);
    await provider().sendCode(PHONE, '111111', 'login');
    expect(fake.lastCodeFor(PHONE)).toBe('111111');
    fake.frequencyLimit = false;
    await provider().sendCode(PHONE, '222222', 'login');
    expect(fake.sent).toHaveLength(3);
  });

  it('a wrong secret fails the signature check; an unknown key is not found; nothing is sent', async () => {
    await expectFailure(provider({ accessKeySecret: 'not-the-secret' }), 'credentials', 'SignatureDoesNotMatch');
    await expectFailure(provider({ accessKeyId: 'LTAI5tSomeoneElse' }), 'credentials', 'InvalidAccessKeyId.NotFound');
    expect(fake.sent).toEqual([]);
  });

  it('rejects a signed request changed after signing, a replayed nonce and a stale date', async () => {
    await provider().sendCode(PHONE, CODE, 'register');
    const original = fake.requests[0];
    fake.frequencyLimit = false;
    const otherPhone = await replay(fake.port, { ...original, url: original.url.replace(`PhoneNumbers=${PHONE}`, 'PhoneNumbers=13800000000') });
    expect(otherPhone.status).toBe(400);
    expect(otherPhone.json.Code).toBe('SignatureDoesNotMatch');
    const otherCode = await replay(fake.port, { ...original, url: original.url.replace(encodeURIComponent(CODE), '999999') });
    expect(otherCode.json.Code).toBe('SignatureDoesNotMatch');
    const unsignedHeader = await replay(fake.port, { ...original, headers: { ...original.headers, 'x-acs-extra': '1' } });
    expect(unsignedHeader.json.Code).toBe('IncompleteSignature');
    const withBody = await replay(fake.port, { ...original, body: 'PhoneNumbers=13800000000' });
    expect(withBody.json.Code).toBe('SignatureDoesNotMatch');
    const again = await replay(fake.port, original);
    expect({ status: again.status, code: again.json.Code }).toEqual({ status: 400, code: 'SignatureNonceUsed' });
    expect(fake.sent).toHaveLength(1);

    fake.advanceClock(16 * 60_000);
    await expectFailure(provider(), 'credentials', 'InvalidTimeStamp.Expired');
  });

  it('provider down, port refused or no answer in time → unavailable', async () => {
    const down = provider();
    await down.sendCode(PHONE, CODE, 'register');
    await fake.close();
    await expectFailure(down, 'unavailable', undefined, '13700002222');
    await expectFailure(provider({ endpoint: `http://127.0.0.1:${await refusedPort()}` }), 'unavailable', 'ECONNREFUSED');
    fake = await startAliyunSmsFake(keys);
    fake.stallNext();
    const slow = await expectFailure(provider({ endpoint: fake.url, timeoutMs: 300 }), 'unavailable');
    expect(slow.providerCode).toMatch(/Timeout/);
  });
});

describe('TencentSmsProvider against the Tencent fake', () => {
  const keys = { secretId: 'AKIDfakeSecretId000000000000000001', secretKey: 'fake-secret-key-tencent-0001' };
  let fake: TencentSmsFake;
  let config: TencentSmsConfig;
  const provider = (over: Partial<TencentSmsConfig> = {}) => new TencentSmsProvider({ ...config, ...over });

  beforeEach(async () => {
    fake = await startTencentSmsFake(keys);
    config = {
      ...keys,
      sdkAppId: TENCENT_FAKE_SDK_APP_ID,
      signName: TENCENT_FAKE_SIGN,
      templateIds: { register: '2000001', login: '2000002', reset_password: '2000003' },
      endpoint: fake.url,
    };
  });
  afterEach(() => fake.close());

  it('sends the purpose template to +86… with the sign and [code], TC3-signed for host sms.tencentcloudapi.com', async () => {
    await provider().sendCode(PHONE, CODE, 'register');
    await provider().sendCode('13700001111', '000123', 'login');
    expect(fake.sent).toEqual([
      { phone: PHONE, sdkAppId: TENCENT_FAKE_SDK_APP_ID, signName: TENCENT_FAKE_SIGN, templateId: '2000001', params: [CODE] },
      { phone: '13700001111', sdkAppId: TENCENT_FAKE_SDK_APP_ID, signName: TENCENT_FAKE_SIGN, templateId: '2000002', params: ['000123'] },
    ]);
    expect(fake.lastCodeFor(PHONE)).toBe(CODE);
    const { headers, body } = fake.requests[0];
    expect(headers.host).toBe('sms.tencentcloudapi.com');
    expect(headers['x-tc-region']).toBe('ap-guangzhou');
    expect(String(headers.authorization)).toMatch(/^TC3-HMAC-SHA256 Credential=AKIDfake\w+\/\d{4}-\d\d-\d\d\/sms\/tc3_request, SignedHeaders=content-type;host, /);
    expect(JSON.parse(body).PhoneNumberSet).toEqual([`+86${PHONE}`]);
  });

  it.each<[string, SmsFailureKind]>([
    ['LimitExceeded.PhoneNumberThirtySecondLimit', 'throttled'],
    ['LimitExceeded.PhoneNumberOneHourLimit', 'throttled'],
    ['LimitExceeded.PhoneNumberDailyLimit', 'throttled'],
    ['LimitExceeded.PhoneNumberSameContentDailyLimit', 'throttled'],
    ['FailedOperation.InsufficientBalanceInSmsPackage', 'quota'],
    ['LimitExceeded.DeliveryFrequencyLimit', 'quota'],
    ['LimitExceeded.AppDailyLimit', 'quota'],
    ['FailedOperation.TemplateIncorrectOrUnapproved', 'template'],
    ['FailedOperation.SignatureIncorrectOrUnapproved', 'template'],
    ['InvalidParameterValue.TemplateParameterFormatError', 'template'],
    ['AuthFailure.SecretIdNotFound', 'credentials'],
    ['AuthFailure.SignatureFailure', 'credentials'],
    ['UnauthorizedOperation.SmsSdkAppIdVerifyFail', 'credentials'],
    ['InvalidParameterValue.IncorrectPhoneNumber', 'phone'],
    ['FailedOperation.PhoneNumberInBlacklist', 'phone'],
    ['InternalError.Timeout', 'unavailable'],
    ['InternalError.SendAndRecvFail', 'unavailable'],
  ])('maps %s to %s, as a call error and as a number status', async (code, kind) => {
    fake.frequencyLimit = false;
    fake.failNext(code, 'call');
    await expectFailure(provider(), kind, code);
    fake.failNext(code, 'status');
    await expectFailure(provider(), kind, code);
    expect(fake.sent).toEqual([]);
    await provider().sendCode(PHONE, CODE, 'register');
    expect(fake.sent).toHaveLength(1);
  });

  it('refuses what Tencent refuses: unknown app, sign or template, bad number, non-numeric code', async () => {
    await expectFailure(provider({ sdkAppId: '1400999999' }), 'credentials', 'UnauthorizedOperation.SmsSdkAppIdVerifyFail');
    await expectFailure(provider({ signName: '未报备签名' }), 'template', 'FailedOperation.SignatureIncorrectOrUnapproved');
    await expectFailure(provider({ templateIds: { ...config.templateIds, register: '999' } }), 'template', 'FailedOperation.TemplateIncorrectOrUnapproved');
    await expectFailure(provider(), 'phone', 'InvalidParameterValue.IncorrectPhoneNumber', '1234567');
    const err = await provider().sendCode(PHONE, 'abc123', 'register').catch((e: unknown) => e);
    expect((err as SmsSendError).providerCode).toBe('InvalidParameterValue.TemplateParameterFormatError');
    expect(fake.sent).toEqual([]);
  });

  it('enforces 1 message per 30 s per number (reported in SendStatusSet), unless disabled', async () => {
    await provider().sendCode(PHONE, CODE, 'register');
    await expectFailure(provider(), 'throttled', 'LimitExceeded.PhoneNumberThirtySecondLimit');
    fake.advanceClock(31_000);
    await provider().sendCode(PHONE, '111111', 'login');
    expect(fake.lastCodeFor(PHONE)).toBe('111111');
    fake.frequencyLimit = false;
    await provider().sendCode(PHONE, '222222', 'login');
    expect(fake.sent).toHaveLength(3);
  });

  it('a wrong secret fails the TC3 check; an unknown SecretId is not found; nothing is sent', async () => {
    await expectFailure(provider({ secretKey: 'not-the-secret' }), 'credentials', 'AuthFailure.SignatureFailure');
    await expectFailure(provider({ secretId: 'AKIDsomeoneElse' }), 'credentials', 'AuthFailure.SecretIdNotFound');
    expect(fake.sent).toEqual([]);
  });

  it('rejects a signed request changed after signing, and a stale timestamp', async () => {
    await provider().sendCode(PHONE, CODE, 'register');
    const original = fake.requests[0];
    fake.frequencyLimit = false;
    const code = async (r: RecordedRequest) => ((await replay(fake.port, r)).json.Response as { Error?: { Code: string } }).Error?.Code;
    expect(await code({ ...original, body: original.body.replace(PHONE, '13800000000') })).toBe('AuthFailure.SignatureFailure');
    expect(await code({ ...original, body: original.body.replace(CODE, '999999') })).toBe('AuthFailure.SignatureFailure');
    const ts = Number(original.headers['x-tc-timestamp']);
    expect(await code({ ...original, headers: { ...original.headers, 'x-tc-timestamp': String(ts + 1) } })).toBe('AuthFailure.SignatureFailure');
    expect(await code({ ...original, headers: { ...original.headers, host: 'sms.ap-beijing.tencentcloudapi.com' } })).toBe('AuthFailure.SignatureFailure');
    expect(fake.sent).toHaveLength(1);

    fake.advanceClock(6 * 60_000);
    expect(await code(original)).toBe('AuthFailure.SignatureExpire');
    await expectFailure(provider(), 'credentials', 'AuthFailure.SignatureExpire');
  });

  it('provider down, port refused or no answer in time → unavailable', async () => {
    const down = provider();
    await down.sendCode(PHONE, CODE, 'register');
    await fake.close();
    await expectFailure(down, 'unavailable', undefined, '13700002222');
    await expectFailure(provider({ endpoint: `http://127.0.0.1:${await refusedPort()}` }), 'unavailable', 'ECONNREFUSED');
    fake = await startTencentSmsFake(keys);
    fake.stallNext();
    await expectFailure(provider({ endpoint: fake.url, timeoutMs: 300 }), 'unavailable', 'Timeout');
  });
});
