// /password (change the password, or set one; forced after a one-time password) and the account entries on 我的.
import { Button, Form, List, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, ApiError, errorMessage } from '../api';
import { inWechat, passwordPath, safeRedirect, startWechatSignIn, useAuth } from '../auth';
import { SubPage, TextField } from '../components';
import { useI18n } from '../i18n';
import { UserIcon } from '../icons';

/** /password: change the password (or set one, for a member who signed in by WeChat or SMS); forced after a one-time password. */
export function PasswordPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const redirect = safeRedirect(params.get('redirect'));
  const { me, signIn } = useAuth();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const needsCurrent = me?.hasPassword !== false;
  const forced = !!me?.mustChangePassword;

  const submit = async () => {
    setError(null);
    if (needsCurrent && !current) return setError(t('login.needPassword'));
    if (next.length < 8) return setError(t('register.shortPassword'));
    if (next !== confirm) return setError(t('password.mismatch'));
    setLoading(true);
    try {
      signIn(await api.changePassword({ ...(needsCurrent ? { currentPassword: current } : {}), newPassword: next }));
      Toast.show({ icon: 'success', content: t('password.success') });
      navigate(redirect, { replace: true });
    } catch (e) {
      setError(e instanceof ApiError && e.code === 'INVALID_CREDENTIALS' ? t('password.wrongCurrent') : errorMessage(e));
    } finally {
      setLoading(false);
    }
  };

  return (
    <SubPage title={needsCurrent ? t('password.title') : t('password.setTitle')} back={forced ? '/' : '/me'} className="auth-page" testId="password-page">
      {forced && (
        <div className="form-error" data-testid="password-required">
          {t('password.required')}
        </div>
      )}
      <Form layout="horizontal" className="card auth-form">
        {needsCurrent && (
          <Form.Item label={t('password.current')}>
            <TextField value={current} onChange={setCurrent} placeholder={t('password.currentPlaceholder')} type="password" testId="password-current" autoComplete="current-password" />
          </Form.Item>
        )}
        <Form.Item label={t('password.new')}>
          <TextField value={next} onChange={setNext} placeholder={t('password.newPlaceholder')} type="password" testId="password-new" autoComplete="new-password" />
        </Form.Item>
        <Form.Item label={t('password.confirm')}>
          <TextField value={confirm} onChange={setConfirm} placeholder={t('password.confirmPlaceholder')} type="password" onEnter={() => void submit()} testId="password-confirm" autoComplete="new-password" />
        </Form.Item>
      </Form>
      {error && (
        <div className="form-error" data-testid="password-error">
          {error}
        </div>
      )}
      <div className="auth-actions">
        <Button block color="primary" shape="rounded" size="large" loading={loading} onClick={() => void submit()} data-testid="password-submit">
          {t('password.submit')}
        </Button>
      </div>
    </SubPage>
  );
}

/** 我的 → the password entry and, inside WeChat, "使用微信头像昵称" (the OAuth with scope=userinfo). */
export function AccountItems() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { me, token } = useAuth();
  const [wechat, setWechat] = useState(false);
  useEffect(() => {
    if (!token || !inWechat()) return;
    let live = true;
    api.providers().then(
      (p) => live && setWechat(p.wechatOa),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [token]);
  if (!token) return null;
  return (
    <>
      {wechat && (
        <List.Item prefix={<UserIcon />} onClick={() => startWechatSignIn('userinfo')} data-testid="me-wechat-profile">
          {t('me.wechatProfile')}
        </List.Item>
      )}
      <List.Item prefix={<UserIcon />} onClick={() => navigate(passwordPath('/me'))} data-testid="me-password">
        {me?.hasPassword === false ? t('me.setPassword') : t('me.password')}
      </List.Item>
    </>
  );
}
