// The members module's face: what other modules and the app may use of it.
export { MembersService } from './service.js';
export { countPendingApplications } from './todo.js';
export type { AccessLimits } from './service.js';
export { profileColumns, toProfile } from './profile.js';
export type { MemberProfile } from './profile.js';
export { AliyunSmsProvider } from './sms-aliyun.js';
export type { AliyunSmsConfig } from './sms-aliyun.js';
export { TencentSmsProvider } from './sms-tencent.js';
export type { TencentSmsConfig } from './sms-tencent.js';
export { DevSmsProvider } from './sms.js';
export type { SmsProvider, SmsSendError } from './sms.js';
export type { DistributorStatus, HqRole } from './tables.js';
