"""People in the loop: unsure decisions wait for a person, and every answer is remembered.

- :mod:`matcher.review.items`: what a person sees (an offer and its candidates) and answers.
- :mod:`matcher.review.answers`: the queue, the answers (aliases, rejections) and the audit log,
  in Redis under the catalog's namespace — consulted before the model for every offer.
"""

from matcher.review.answers import AnswerBook, RedisAnswers
from matcher.review.items import ACTIONS, Answer, Line, ReviewItem

__all__ = ["ACTIONS", "Answer", "AnswerBook", "Line", "RedisAnswers", "ReviewItem"]
