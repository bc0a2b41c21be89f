// Sign-in (password, or an SMS code; HQ staff with a second factor then give a TOTP code) and registration.
import { Button, Form, Tabs, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { Link, useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../api';
import { inWechat, passwordPath, safeRedirect, startWechatSignIn, useAuth } from '../auth';
import { SubPage, TextField } from '../components';
import { useI18n } from '../i18n';
import { storedInviteCode, visitorKey } from '../referral';
import type { AuthProviders, ShopInfo, SignInAnswer } from '../../../shared/types';

const PHONE = /^1[3-9]\d{9}$/;

/** Where to go after signing in: the redirect parameter when it is a local path. */
function useRedirect(): string {
  const [params] = useSearchParams();
  return safeRedirect(params.get('redirect'));
}

/** A signed-in visitor who came by a share link records the visit again, so the binding policy can bind them. */
function rememberVisit(): void {
  const code = storedInviteCode();
  if (code) void api.recordVisit(code, visitorKey()).catch(() => undefined);
}

/** The sign-in methods the server offers (null until known, or when it cannot say). */
function useProviders(): AuthProviders | null {
  const [providers, setProviders] = useState<AuthProviders | null>(null);
  useEffect(() => {
    let live = true;
    api.providers().then(
      (p) => live && setProviders(p),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  return providers;
}

/** Asking for an SMS code: the resend countdown, and the code itself when the server is in development. */
function useSmsCode(purpose: 'register' | 'login', onDevCode: (code: string) => void, onError: (message: string | null) => void) {
  const { t } = useI18n();
  const [devCode, setDevCode] = useState<string | null>(null);
  const [countdown, setCountdown] = useState(0);
  const [sending, setSending] = useState(false);
  useEffect(() => {
    if (countdown <= 0) return;
    const timer = setTimeout(() => setCountdown((n) => n - 1), 1000);
    return () => clearTimeout(timer);
  }, [countdown]);
  const send = async (phone: string) => {
    onError(null);
    if (!PHONE.test(phone.trim())) return onError(t('login.badPhone'));
    setSending(true);
    try {
      const res = await api.sendSmsCode(phone.trim(), purpose);
      setCountdown(60);
      if (typeof res?.devCode === 'string') {
        setDevCode(res.devCode);
        onDevCode(res.devCode);
      }
      Toast.show({ content: t('register.codeSent') });
    } catch (e) {
      if (e instanceof ApiError && e.retryAfterSeconds) setCountdown(Math.ceil(e.retryAfterSeconds));
      onError(errorMessage(e));
    } finally {
      setSending(false);
    }
  };
  const label = countdown > 0 ? t('register.resend', { n: countdown }) : t('register.sendCode');
  return { devCode, send, label, disabled: countdown > 0 || sending };
}

export function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const redirect = useRedirect();
  const { signIn } = useAuth();
  const providers = useProviders();
  const [mode, setMode] = useState<'password' | 'sms'>('password');
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  /** the second step's token (also handed over by a WeChat sign-in of HQ staff) and its answer */
  const [mfaToken, setMfaToken] = useState<string | null>(() => (location.state as { mfaToken?: string } | null)?.mfaToken ?? null);
  const [mfaCode, setMfaCode] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const sms = useSmsCode('login', setCode, setError);
  // a WeChat sign-in that owes a second step arrives with the token in the navigation state
  useEffect(() => {
    const handed = (location.state as { mfaToken?: string } | null)?.mfaToken;
    if (handed) setMfaToken(handed);
  }, [location.state]);

  const finish = (res: SignInAnswer) => {
    if ('mfaRequired' in res) {
      setMfaToken(res.mfaToken);
      return;
    }
    signIn(res);
    rememberVisit();
    Toast.show({ icon: 'success', content: t('login.success') });
    navigate(res.member.mustChangePassword ? passwordPath(redirect) : redirect, { replace: true });
  };

  const attempt = async (fn: () => Promise<SignInAnswer>) => {
    setLoading(true);
    try {
      finish(await fn());
    } catch (e) {
      if (e instanceof ApiError && e.code === 'INVALID_CREDENTIALS') setError(t(mode === 'password' ? 'login.badCredentials' : 'login.smsNoAccount'));
      else if (e instanceof ApiError && e.code === 'MFA_TOKEN_INVALID') {
        setMfaToken(null);
        setError(errorMessage(e));
      } else setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  const submit = async () => {
    setError(null);
    if (mfaToken) {
      const answer = mfaCode.trim();
      if (!answer) return setError(t('login.mfaNeeded'));
      return attempt(() => api.mfa(mfaToken, /^\d{6}$/.test(answer) ? { code: answer } : { recoveryCode: answer }));
    }
    if (!PHONE.test(phone.trim())) return setError(t('login.badPhone'));
    if (mode === 'password' && !password) return setError(t('login.needPassword'));
    if (mode === 'sms' && !/^\d{6}$/.test(code.trim())) return setError(t('register.badCode'));
    return attempt(() => (mode === 'password' ? api.login(phone.trim(), password) : api.loginSms(phone.trim(), code.trim())));
  };

  if (mfaToken) {
    return (
      <SubPage title={t('login.mfaTitle')} back="/me" className="auth-page" testId="login-page">
        <div className="auth-hero">
          <div className="auth-logo">分</div>
          <div className="auth-welcome">{t('login.mfaHint')}</div>
        </div>
        <Form layout="horizontal" className="card auth-form" data-testid="login-mfa">
          <Form.Item label={t('login.mfaCode')}>
            <TextField value={mfaCode} onChange={setMfaCode} placeholder={t('login.mfaPlaceholder')} maxLength={20} onEnter={() => void submit()} testId="login-mfa-code" autoComplete="one-time-code" />
          </Form.Item>
        </Form>
        {error && (
          <div className="form-error" data-testid="login-error">
            {error}
          </div>
        )}
        <div className="auth-actions">
          <Button block color="primary" shape="rounded" size="large" loading={loading} onClick={() => void submit()} data-testid="login-mfa-submit">
            {t('login.submit')}
          </Button>
          <a className="auth-switch" role="button" onClick={() => { setMfaToken(null); setMfaCode(''); setError(null); }} data-testid="login-mfa-back">
            {t('common.back')}
          </a>
        </div>
      </SubPage>
    );
  }

  return (
    <SubPage title={t('login.title')} back="/me" className="auth-page" testId="login-page">
      <div className="auth-hero">
        <div className="auth-logo">分</div>
        <div className="auth-welcome">{t('login.welcome')}</div>
      </div>
      {providers?.smsLogin !== false && (
        <Tabs activeKey={mode} onChange={(k) => { setMode(k as 'password' | 'sms'); setError(null); }} data-testid="login-tabs">
          <Tabs.Tab key="password" title={<span data-testid="login-tab-password">{t('login.tabPassword')}</span>} />
          <Tabs.Tab key="sms" title={<span data-testid="login-tab-sms">{t('login.tabSms')}</span>} />
        </Tabs>
      )}
      <Form layout="horizontal" className="card auth-form" onFinish={() => void submit()}>
        <Form.Item label={t('login.phone')}>
          <TextField value={phone} onChange={setPhone} placeholder={t('login.phonePlaceholder')} type="tel" inputMode="tel" maxLength={11} testId="login-phone" autoComplete="tel" />
        </Form.Item>
        {mode === 'password' ? (
          <Form.Item label={t('login.password')}>
            <TextField value={password} onChange={setPassword} placeholder={t('login.passwordPlaceholder')} type="password" onEnter={() => void submit()} testId="login-password" autoComplete="current-password" />
          </Form.Item>
        ) : (
          <Form.Item
            label={t('register.smsCode')}
            extra={
              <button type="button" className="sms-button" disabled={sms.disabled} onClick={() => void sms.send(phone)} data-testid="login-sms-send">
                {sms.label}
              </button>
            }
          >
            <TextField value={code} onChange={setCode} placeholder={t('register.smsPlaceholder')} inputMode="numeric" maxLength={6} onEnter={() => void submit()} testId="login-code" autoComplete="one-time-code" />
          </Form.Item>
        )}
      </Form>
      {mode === 'sms' && sms.devCode && (
        <div className="dev-hint" data-testid="login-dev-code">
          {t('register.devCode', { code: sms.devCode })}
        </div>
      )}
      {error && (
        <div className="form-error" data-testid="login-error">
          {error}
        </div>
      )}
      <div className="auth-actions">
        <Button block color="primary" shape="rounded" size="large" loading={loading} onClick={() => void submit()} data-testid="login-submit">
          {t('login.submit')}
        </Button>
        {providers?.wechatOa && inWechat() && (
          <Button block shape="rounded" size="large" onClick={() => startWechatSignIn('base')} data-testid="login-wechat">
            {t('login.wechat')}
          </Button>
        )}
        <Link className="auth-switch" to={`/register${params.toString() ? `?${params.toString()}` : ''}`} data-testid="to-register">
          {t('login.toRegister')}
        </Link>
      </div>
    </SubPage>
  );
}

export function RegisterPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const redirect = useRedirect();
  const { signIn } = useAuth();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [nickname, setNickname] = useState('');
  const [inviteCode, setInviteCode] = useState(() => storedInviteCode() ?? '');
  const [inviter, setInviter] = useState<ShopInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const sms = useSmsCode('register', setCode, setError);

  useEffect(() => {
    const c = inviteCode.trim();
    if (c.length < 4) {
      setInviter(null);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      api.shop(c).then(
        (s) => live && setInviter(s),
        () => live && setInviter(null),
      );
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [inviteCode]);

  const submit = async () => {
    setError(null);
    if (!PHONE.test(phone.trim())) return setError(t('login.badPhone'));
    if (!/^\d{6}$/.test(code.trim())) return setError(t('register.badCode'));
    if (password.length < 8) return setError(t('register.shortPassword'));
    setLoading(true);
    try {
      const c = inviteCode.trim().toUpperCase();
      const res = await api.register({
        phone: phone.trim(),
        password,
        smsCode: code.trim(),
        ...(nickname.trim() ? { nickname: nickname.trim() } : {}),
        ...(c ? { inviteCode: c } : {}),
        visitorKey: visitorKey(),
      });
      signIn(res);
      Toast.show({ icon: 'success', content: t('register.success') });
      navigate(redirect, { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  return (
    <SubPage title={t('register.title')} back="/me" className="auth-page" testId="register-page">
      <div className="auth-hero">
        <div className="auth-logo">分</div>
        <div className="auth-welcome">{t('register.welcome')}</div>
      </div>
      <Form layout="horizontal" className="card auth-form">
        <Form.Item label={t('login.phone')}>
          <TextField value={phone} onChange={setPhone} placeholder={t('login.phonePlaceholder')} type="tel" inputMode="tel" maxLength={11} testId="register-phone" autoComplete="tel" />
        </Form.Item>
        <Form.Item
          label={t('register.smsCode')}
          extra={
            <button type="button" className="sms-button" disabled={sms.disabled} onClick={() => void sms.send(phone)} data-testid="sms-send">
              {sms.label}
            </button>
          }
        >
          <TextField value={code} onChange={setCode} placeholder={t('register.smsPlaceholder')} inputMode="numeric" maxLength={6} testId="register-code" autoComplete="one-time-code" />
        </Form.Item>
        <Form.Item label={t('register.password')}>
          <TextField value={password} onChange={setPassword} placeholder={t('register.passwordPlaceholder')} type="password" testId="register-password" autoComplete="new-password" />
        </Form.Item>
        <Form.Item label={t('register.nickname')}>
          <TextField value={nickname} onChange={setNickname} placeholder={t('register.nicknamePlaceholder')} maxLength={30} testId="register-nickname" />
        </Form.Item>
        <Form.Item label={t('register.inviteCode')} description={inviter ? <span data-testid="register-inviter">{t('register.invitedBy', { name: inviter.nickname })}</span> : undefined}>
          <TextField value={inviteCode} onChange={(v) => setInviteCode(v.toUpperCase())} placeholder={t('register.inviteCodePlaceholder')} maxLength={16} testId="register-invite" />
        </Form.Item>
      </Form>
      {sms.devCode && (
        <div className="dev-hint" data-testid="dev-code">
          {t('register.devCode', { code: sms.devCode })}
        </div>
      )}
      {error && (
        <div className="form-error" data-testid="register-error">
          {error}
        </div>
      )}
      <div className="auth-actions">
        <Button block color="primary" shape="rounded" size="large" loading={loading} onClick={() => void submit()} data-testid="register-submit">
          {t('register.submit')}
        </Button>
        <Link className="auth-switch" to={`/login${params.toString() ? `?${params.toString()}` : ''}`} data-testid="to-login">
          {t('register.toLogin')}
        </Link>
      </div>
    </SubPage>
  );
}
