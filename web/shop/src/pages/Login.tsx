import { Button, Form, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, errorMessage } from '../api';
import { useAuth } from '../auth';
import { SubPage, TextField } from '../components';
import { useI18n } from '../i18n';
import { storedInviteCode, visitorKey } from '../referral';
import type { ShopInfo } from '../types';

const PHONE = /^1[3-9]\d{9}$/;

/** Where to go after signing in: the redirect parameter when it is a local path. */
function useRedirect(): string {
  const [params] = useSearchParams();
  const target = params.get('redirect');
  return target && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/login') && !target.startsWith('/register') ? target : '/me';
}

/** A signed-in visitor who came by a share link records the visit again, so the binding policy can bind them. */
function rememberVisit(): void {
  const code = storedInviteCode();
  if (code) void api.recordVisit(code, visitorKey()).catch(() => undefined);
}

export function LoginPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const redirect = useRedirect();
  const { signIn } = useAuth();
  const [phone, setPhone] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  const submit = async () => {
    setError(null);
    if (!PHONE.test(phone.trim())) return setError(t('login.badPhone'));
    if (!password) return setError(t('login.needPassword'));
    setLoading(true);
    try {
      const res = await api.login(phone.trim(), password);
      signIn(res.token, res.member);
      rememberVisit();
      Toast.show({ icon: 'success', content: t('login.success') });
      navigate(redirect, { replace: true });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  return (
    <SubPage title={t('login.title')} back="/me" className="auth-page" testId="login-page">
      <div className="auth-hero">
        <div className="auth-logo">分</div>
        <div className="auth-welcome">{t('login.welcome')}</div>
      </div>
      <Form layout="horizontal" className="card auth-form" onFinish={() => void submit()}>
        <Form.Item label={t('login.phone')}>
          <TextField value={phone} onChange={setPhone} placeholder={t('login.phonePlaceholder')} type="tel" inputMode="tel" maxLength={11} testId="login-phone" autoComplete="tel" />
        </Form.Item>
        <Form.Item label={t('login.password')}>
          <TextField value={password} onChange={setPassword} placeholder={t('login.passwordPlaceholder')} type="password" onEnter={() => void submit()} testId="login-password" autoComplete="current-password" />
        </Form.Item>
      </Form>
      {error && (
        <div className="form-error" data-testid="login-error">
          {error}
        </div>
      )}
      <div className="auth-actions">
        <Button block color="primary" shape="rounded" size="large" loading={loading} onClick={() => void submit()} data-testid="login-submit">
          {t('login.submit')}
        </Button>
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
  const [devCode, setDevCode] = useState<string | null>(null);
  const [countdown, setCountdown] = useState(0);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);

  useEffect(() => {
    if (countdown <= 0) return;
    const timer = setTimeout(() => setCountdown((n) => n - 1), 1000);
    return () => clearTimeout(timer);
  }, [countdown]);

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

  const sendCode = async () => {
    setError(null);
    if (!PHONE.test(phone.trim())) return setError(t('login.badPhone'));
    setSending(true);
    try {
      const res = await api.sendSmsCode(phone.trim(), 'register');
      setCountdown(60);
      if (typeof res?.devCode === 'string') {
        setDevCode(res.devCode);
        setCode(res.devCode);
      }
      Toast.show({ content: t('register.codeSent') });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSending(false);
    }
  };

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
      signIn(res.token, res.member);
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
            <button type="button" className="sms-button" disabled={countdown > 0 || sending} onClick={() => void sendCode()} data-testid="sms-send">
              {countdown > 0 ? t('register.resend', { n: countdown }) : t('register.sendCode')}
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
      {devCode && (
        <div className="dev-hint" data-testid="dev-code">
          {t('register.devCode', { code: devCode })}
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
