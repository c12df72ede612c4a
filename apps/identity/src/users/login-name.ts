/** Who a login names: a user name, and the account it is in when the caller says so. */
export interface LoginName {
  userName: string;
  account?: { name: string } | { id: string };
}

/**
 * A registry (Docker Basic) user name: `account/user` names the account; a plain `user` names whichever single
 * account has a user of that name. Neither account nor user names may contain `/`.
 */
export const registryLoginName = (login: string): LoginName => {
  const slash = login.indexOf('/');
  return slash < 0 ? { userName: login } : { userName: login.slice(slash + 1), account: { name: login.slice(0, slash) } };
};

