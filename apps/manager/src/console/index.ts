export { ConsoleController } from './console.controller';
export { ConsoleFeedService } from './console-feed.service';
export { ConsoleLogsService } from './console-logs.service';
