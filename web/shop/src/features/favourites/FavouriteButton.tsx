// The heart in the product page's action bar: shows whether the product is a favourite and toggles
// it. A signed-out visitor goes to the sign-in and comes back to the product, which is then
// favourited (the tap is remembered in the address: ?favourite=1).
import { Toast } from 'antd-mobile';
import { useEffect, useRef, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { errorMessage } from '../../api';
import { loginPath, useAuth } from '../../auth';
import { useFeatureT } from '../../i18n';
import { HeartIcon } from '../../icons';
import { favouritesApi } from './favouritesApi';

const ASKED = 'favourite';

/** HeartIcon's outline, filled: a favourite. */
const FilledHeart = () => (
  <svg className="icon" width={22} height={22} viewBox="0 0 24 24" fill="currentColor" stroke="currentColor" strokeWidth={1.8} strokeLinejoin="round" aria-hidden="true">
    <path d="M12 20s-7.5-4.5-7.5-10A4.2 4.2 0 0 1 12 7.5 4.2 4.2 0 0 1 19.5 10c0 5.5-7.5 10-7.5 10z" />
  </svg>
);

export function FavouriteButton({ productId }: { productId: number }) {
  const t = useFeatureT();
  const { token } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [favourite, setFavourite] = useState<boolean | null>(null);
  const busy = useRef(false);
  const asked = new URLSearchParams(location.search).get(ASKED) === '1';

  useEffect(() => {
    setFavourite(null);
    if (!token) return;
    let live = true;
    // back from the sign-in with the tap remembered: favourite it, and take the tap out of the address
    const load = asked ? favouritesApi.add(productId) : favouritesApi.state(productId);
    load.then(
      (s) => {
        if (!live) return;
        setFavourite(s.favourite);
        if (asked) Toast.show({ icon: 'success', content: t('fav.addedToast') });
      },
      () => live && setFavourite(false),
    );
    if (asked) {
      const params = new URLSearchParams(location.search);
      params.delete(ASKED);
      navigate({ pathname: location.pathname, search: params.toString() ? `?${params}` : '' }, { replace: true });
    }
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [productId, token]);

  const toggle = async () => {
    if (!token) {
      const params = new URLSearchParams(location.search);
      params.set(ASKED, '1');
      navigate(loginPath(`${location.pathname}?${params}`));
      return;
    }
    if (busy.current || favourite === null) return;
    busy.current = true;
    try {
      const s = favourite ? await favouritesApi.remove(productId) : await favouritesApi.add(productId);
      setFavourite(s.favourite);
      Toast.show({ content: t(s.favourite ? 'fav.addedToast' : 'fav.removedToast') });
    } catch (e) {
      Toast.show({ content: errorMessage(e) });
    } finally {
      busy.current = false;
    }
  };

  const on = favourite === true;
  return (
    <button
      type="button"
      className="action-icon"
      onClick={() => void toggle()}
      aria-pressed={on}
      data-testid="favourite-toggle"
      data-favourite={favourite === null ? '' : String(on)}
      style={{ border: 'none', background: 'none', padding: 0, cursor: 'pointer', color: on ? 'var(--accent)' : undefined }}
    >
      {on ? <FilledHeart /> : <HeartIcon />}
      <span>{t(on ? 'fav.added' : 'fav.add')}</span>
    </button>
  );
}
