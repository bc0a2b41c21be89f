// A list's filter kept in the URL (?status=…), so a link — the dashboard's 待办 cards — opens the list
// filtered, and a filter the user picks is written back (replacing the entry: Back leaves the list).
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';

/**
 * One of `choices` from ?key=, else `fallback` (an unknown value too); the setter writes it back, dropping
 * the filters named in `drop` in the same step (a narrower filter that only made sense with the old value).
 */
export function useUrlChoice<T extends string>(key: string, choices: readonly T[], fallback: T): [T, (next: T, drop?: string[]) => void] {
  const [params, setParams] = useSearchParams();
  const raw = params.get(key);
  const value = raw !== null && (choices as readonly string[]).includes(raw) ? (raw as T) : fallback;
  const set = useCallback(
    (next: T, drop: string[] = []) =>
      setParams(
        (prev) => {
          const p = new URLSearchParams(prev);
          p.set(key, next);
          for (const k of drop) p.delete(k);
          return p;
        },
        { replace: true },
      ),
    [key, setParams],
  );
  return [value, set];
}

/** A yes/no filter from ?key=true; the setter drops it when false (so the plain URL is the unfiltered list). */
export function useUrlFlag(key: string): [boolean, (on: boolean) => void] {
  const [params, setParams] = useSearchParams();
  const set = useCallback(
    (on: boolean) =>
      setParams(
        (prev) => {
          const p = new URLSearchParams(prev);
          if (on) p.set(key, 'true');
          else p.delete(key);
          return p;
        },
        { replace: true },
      ),
    [key, setParams],
  );
  return [params.get(key) === 'true', set];
}
