import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { callRoute } from '../api/api';
import type { Page, Review } from '../api/types';
import { useSession } from '../auth/session';
import { ErrorMessage } from './error-message';
import { EmptyState, QueryState } from './query-state';
import { formatDate } from '../i18n/i18n';

/** Reviews of an app, and the signed-in user's own (one per user, editable). */
export function ReviewsSection({ appId }: { appId: string }) {
  const { t, i18n } = useTranslation();
  const { me } = useSession();
  const queryClient = useQueryClient();
  const reviews = useQuery({ queryKey: ['reviews', appId], queryFn: () => callRoute<Page<Review>>('listReviews', { params: { id: appId } }) });
  const mine = reviews.data?.items.find((review) => review.mine || review.userId === me?.user?.id);
  const [rating, setRating] = useState<number | null>(null);
  const [text, setText] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () => callRoute<Review>('putReview', { params: { id: appId }, body: { rating: rating ?? mine?.rating ?? 5, text: text ?? mine?.text ?? '' } }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['reviews', appId] });
      void queryClient.invalidateQueries({ queryKey: ['app', appId] });
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save.mutate();
  };
  return (
    <section aria-labelledby="reviews-title" className="panel">
      <h2 id="reviews-title">{t('appPage.reviews')}</h2>
      <QueryState query={reviews} isEmpty={(data) => data.items.length === 0} empty={<EmptyState title={t('appPage.noReviews')} />}>
        {(data) => (
          <ul className="plain">
            {data.items.map((review) => (
              <li key={review.id}>
                <strong aria-label={`${review.rating} / 5`}>{'★'.repeat(review.rating)}{'☆'.repeat(5 - review.rating)}</strong> {review.userName ?? ''}{' '}
                <span className="muted small">{formatDate(review.createdAt, i18n.language)}</span>
                <p>{review.text}</p>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      <form onSubmit={submit} className="review-form">
        <h3>{t('appPage.yourReview')}</h3>
        <div className="field">
          <label htmlFor="review-rating">{t('appPage.stars')}</label>
          <select id="review-rating" value={rating ?? mine?.rating ?? 5} onChange={(event) => setRating(Number(event.target.value))}>
            {[5, 4, 3, 2, 1].map((value) => (
              <option key={value} value={value}>
                {'★'.repeat(value)} ({value})
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="review-text">{t('appPage.reviewText')}</label>
          <textarea id="review-text" rows={3} maxLength={2000} value={text ?? mine?.text ?? ''} onChange={(event) => setText(event.target.value)} />
        </div>
        {save.isError ? <ErrorMessage error={save.error} /> : null}
        {save.isSuccess ? <p role="status">{t('common.saved')}</p> : null}
        <button type="submit" disabled={save.isPending}>
          {t('appPage.saveReview')}
        </button>
      </form>
    </section>
  );
}
