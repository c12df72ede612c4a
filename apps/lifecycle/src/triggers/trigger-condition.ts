import type { TriggerType } from '@wharf/contracts/lifecycle';
import { RE2JS } from 're2js';

/** An OCI tag. */
export const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const MAX_TAGS = 100;
const MAX_PATTERN = 255;

const tagsOf = (condition: string): string[] =>
  condition
    .split(';')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);

const compiled = new Map<string, RE2JS>();
/** Patterns run on RE2 (linear time, the syntax of SWR's Go backend), so no condition can stall a push's delivery. */
const pattern = (condition: string): RE2JS => {
  let regex = compiled.get(condition);
  if (!regex) {
    regex = RE2JS.compile(condition);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(condition, regex);
  }
  return regex;
};

/**
 * What is wrong with a trigger's condition, or null. SWR's meaning: `all` takes `.*`, `tag` names tags separated by
 * `;`, `regular` is a regular expression (RE2 syntax) that a pushed tag must contain a match of (anchor it with `^`
 * and `$` to match whole tags).
 */
export const conditionProblem = (type: TriggerType, condition: string): string | null => {
  switch (type) {
    case 'all':
      return condition === '.*' ? null : 'condition must be ".*" with trigger_type all';
    case 'tag': {
      const tags = tagsOf(condition);
      if (tags.length === 0) return 'condition must name at least one tag with trigger_type tag';
      if (tags.length > MAX_TAGS) return `condition names more than ${MAX_TAGS} tags`;
      const bad = tags.find((tag) => !TAG.test(tag));
      return bad === undefined ? null : `condition names an invalid tag: ${bad}`;
    }
    case 'regular': {
      if (condition.length === 0 || condition.length > MAX_PATTERN) return `condition must be a regular expression of 1 to ${MAX_PATTERN} characters`;
      try {
        pattern(condition);
        return null;
      } catch (error) {
        return `condition is not a valid regular expression: ${(error as Error).message}`;
      }
    }
  }
};

/** Whether a pushed tag satisfies a (valid) condition. */
export const tagMatches = (type: TriggerType, condition: string, tag: string): boolean => {
  switch (type) {
    case 'all':
      return true;
    case 'tag':
      return tagsOf(condition).includes(tag);
    case 'regular':
      return pattern(condition).test(tag);
  }
};
