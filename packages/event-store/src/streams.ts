/** Stream names are `<context>.<aggregate>-<id>`; the category (text before the first `-`) has no `-`. */
export const streamName = (context: string, aggregate: string, id: string): string => {
  if (/[-.]/.test(aggregate) || /-/.test(context)) throw new Error(`Invalid stream category ${context}.${aggregate}`);
  return `${context}.${aggregate}-${id}`;
};

export const streamCategory = (stream: string): string => {
  const dash = stream.indexOf('-');
  return dash === -1 ? stream : stream.slice(0, dash);
};
