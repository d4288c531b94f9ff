export { createTasksApi, API_PREFIX, USER_CHANNEL } from "./tasks-api";
export { SINGLE_USER, userChannel, checkAccounts } from "./accounts";
export type { Account } from "./accounts";
export type { TasksApi, TasksApiOptions, PublishedChange } from "./tasks-api";
export type { TasksChange } from "./request-context";
export type { ListResource, TaskResource, TaskStatus } from "./resources";
export type { GoogleErrorBody } from "./api-error";
