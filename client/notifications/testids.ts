/** Test ids and accessible names of the notification centre (e2e selectors). */
export const NotificationTestId = {
  bell: "notification-bell",
  count: "notification-count",
  panel: "notification-panel",
  item: "notification-item",
} as const;
