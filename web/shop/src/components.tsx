// Small shared pieces: page frame, loading and error states, product pictures, prices, hooks.
import { Button, DotLoading, ErrorBlock, NavBar, Toast } from 'antd-mobile';
import { useCallback, useEffect, useRef, useState, type CSSProperties, type DependencyList, type ReactNode } from 'react';
import { useNavigate } from 'react-router-dom';
import { errorMessage } from './api';
import { useI18n } from './i18n';
import { formatFen } from '../../shared/money';

/** A page with a top bar and a back arrow (pages outside the tab bar). */
export function SubPage({ title, children, right, back, className, testId }: { title: ReactNode; children: ReactNode; right?: ReactNode; back?: string; className?: string; testId?: string }) {
  const navigate = useNavigate();
  const onBack = () => {
    if (back) navigate(back);
    else if (window.history.length > 1 && (window.history.state as { idx?: number } | null)?.idx) navigate(-1);
    else navigate('/');
  };
  return (
    <div className={`page sub-page ${className ?? ''}`} data-testid={testId}>
      <NavBar className="top-bar" onBack={onBack} right={right}>
        {title}
      </NavBar>
      <div className="page-body">{children}</div>
    </div>
  );
}

export function Loading({ text }: { text?: string }) {
  const { t } = useI18n();
  return (
    <div className="loading" data-testid="loading">
      <DotLoading color="primary" />
      <span>{text ?? t('common.loading')}</span>
    </div>
  );
}

export function ErrorView({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="error-view" data-testid="error-view">
      <ErrorBlock status="default" title={errorMessage(error)} description={null} />
      {onRetry && (
        <Button size="small" color="primary" fill="outline" onClick={onRetry}>
          {t('common.retry')}
        </Button>
      )}
    </div>
  );
}

export function Empty({ text, action }: { text: string; action?: ReactNode }) {
  return (
    <div className="empty" data-testid="empty">
      <ErrorBlock status="empty" title={text} description={null} />
      {action}
    </div>
  );
}

/** A price in the shop's red: "¥" small, yuan big, fen small. */
export function Price({ fen, size = 'md', className, testId }: { fen: number; size?: 'sm' | 'md' | 'lg'; className?: string; testId?: string }) {
  const text = formatFen(fen);
  const negative = text.startsWith('-');
  const [yuan, cents] = text.replace('-', '').replace('¥', '').split('.');
  return (
    <span className={`price price-${size} ${className ?? ''}`} data-testid={testId} data-fen={fen}>
      {negative && '-'}
      <small>¥</small>
      {yuan}
      <small>.{cents}</small>
    </span>
  );
}

const PALETTES: Array<[string, string]> = [
  ['#ff9a76', '#ff4d2d'],
  ['#ffc371', '#ff7e5f'],
  ['#a1c4fd', '#5b8def'],
  ['#96e6a1', '#3fb27f'],
  ['#f6a6c1', '#e0567a'],
  ['#d4a5ff', '#8a5cf6'],
  ['#fddb92', '#f0a030'],
];

/** The product's picture, or a coloured tile with its first character when it has none. */
export function ProductImage({ src, title, seed, className, style }: { src: string | null | undefined; title: string; seed: number; className?: string; style?: CSSProperties }) {
  const [broken, setBroken] = useState(false);
  if (src && !broken) {
    return <img className={`product-image ${className ?? ''}`} style={style} src={src} alt={title} loading="lazy" onError={() => setBroken(true)} />;
  }
  const [from, to] = PALETTES[Math.abs(seed) % PALETTES.length];
  const letter = Array.from(title.trim())[0] ?? '货';
  return (
    <div className={`product-image placeholder ${className ?? ''}`} style={{ background: `linear-gradient(135deg, ${from}, ${to})`, ...style }} aria-label={title} role="img">
      <span>{letter}</span>
    </div>
  );
}

/** A round avatar: the picture, or the first character of the name. */
export function Avatar({ src, name, size = 40 }: { src?: string | null; name: string; size?: number }) {
  const letter = Array.from(name.trim())[0] ?? '客';
  if (src) return <img className="avatar" src={src} alt={name} style={{ width: size, height: size }} />;
  return (
    <span className="avatar avatar-letter" style={{ width: size, height: size, fontSize: size * 0.45 }}>
      {letter}
    </span>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  setData: (d: T) => void;
}

/** Runs an async loader on mount and whenever deps change; the latest call wins. */
export function useLoad<T>(loader: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const loaderRef = useRef(loader);
  loaderRef.current = loader;
  useEffect(() => {
    const mine = ++seq.current;
    setLoading(true);
    setError(undefined);
    loaderRef.current().then(
      (d) => {
        if (seq.current === mine) {
          setData(d);
          setLoading(false);
        }
      },
      (e: unknown) => {
        if (seq.current === mine) {
          setError(e);
          setLoading(false);
        }
      },
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload, setData };
}

/** Shows the API's message for a failed action. */
export function toastError(error: unknown): void {
  Toast.show({ icon: 'fail', content: <span data-testid="error-toast">{errorMessage(error)}</span>, duration: 2500 });
}

export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function formatDate(value: string | null | undefined): string {
  return formatDateTime(value).slice(0, 10);
}

/** Copies text; falls back to a hidden textarea where the clipboard API is unavailable (plain http). */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall through */
  }
  try {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    const ok = document.execCommand('copy');
    document.body.removeChild(area);
    return ok;
  } catch {
    return false;
  }
}

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: unknown;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
}

/** Offset pagination: loads the first page when deps change, more on loadMore(). */
export function usePaged<T>(fetchPage: (limit: number, offset: number) => Promise<T[]>, deps: DependencyList, pageSize = 20): Paged<T> {
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(undefined);
  const [hasMore, setHasMore] = useState(false);
  const [tick, setTick] = useState(0);
  const seq = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const offsetRef = useRef(0);

  const load = useCallback((reset: boolean) => {
    const mine = ++seq.current;
    const offset = reset ? 0 : offsetRef.current;
    setLoading(true);
    setError(undefined);
    fetchRef.current(pageSize, offset).then(
      (page) => {
        if (seq.current !== mine) return;
        offsetRef.current = offset + page.length;
        setItems((prev) => (reset ? page : [...prev, ...page]));
        setHasMore(page.length === pageSize);
        setLoading(false);
      },
      (e: unknown) => {
        if (seq.current !== mine) return;
        setError(e);
        setLoading(false);
      },
    );
  }, [pageSize]);

  useEffect(() => {
    load(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick, load]);

  return {
    items,
    loading,
    error,
    hasMore,
    loadMore: () => load(false),
    reload: () => setTick((n) => n + 1),
  };
}

/** The list footer: load more / no more. */
export function LoadMore({ paged }: { paged: Paged<unknown> }) {
  const { t } = useI18n();
  if (paged.loading && paged.items.length) return <Loading />;
  if (paged.hasMore) {
    return (
      <div className="load-more">
        <Button size="small" fill="none" onClick={paged.loadMore} data-testid="load-more">
          {t('common.loadMore')}
        </Button>
      </div>
    );
  }
  return paged.items.length ? <div className="load-more muted small">{t('common.noMore')}</div> : null;
}

/**
 * A plain text input (antd-mobile's Input puts data-* on its wrapper div, which browser tests
 * cannot fill): the test id sits on the <input> itself.
 */
export function TextField({
  value,
  onChange,
  placeholder,
  type = 'text',
  inputMode,
  maxLength,
  testId,
  onEnter,
  className,
  ariaLabel,
  autoComplete,
}: {
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  type?: 'text' | 'tel' | 'password' | 'email';
  inputMode?: 'text' | 'numeric' | 'decimal' | 'tel' | 'email';
  maxLength?: number;
  testId?: string;
  onEnter?: () => void;
  className?: string;
  ariaLabel?: string;
  autoComplete?: string;
}) {
  return (
    <input
      className={`text-field ${className ?? ''}`}
      value={value}
      onChange={(e) => onChange(e.target.value)}
      placeholder={placeholder}
      type={type}
      inputMode={inputMode}
      maxLength={maxLength}
      data-testid={testId}
      aria-label={ariaLabel ?? placeholder}
      autoComplete={autoComplete}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && onEnter) onEnter();
      }}
    />
  );
}

export function TextBox({ value, onChange, placeholder, maxLength, rows = 3, testId }: { value: string; onChange: (v: string) => void; placeholder?: string; maxLength?: number; rows?: number; testId?: string }) {
  return (
    <textarea className="text-box" value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder} maxLength={maxLength} rows={rows} data-testid={testId} aria-label={placeholder} />
  );
}
