/**
 * Imported calendar years on AWS: one item per year under `CAL#<jurisdiction>` (docs/data-model.md), written by
 * the admin API's notice import and read by every function at cold start and then every few minutes
 * (shared/calendar/refresh.ts), so a notice imported once reaches the screening, deadline and API functions
 * without a deployment.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CalendarYearSchema } from '../../domain/calendar';
import type { CalendarYearData } from '../../domain/calendar';
import type { CalendarYearStore } from '../../ports';
import { PK_PREFIX } from './table';

export class DynamoCalendarYearStore implements CalendarYearStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly jurisdiction: string,
  ) {}

  async list(): Promise<CalendarYearData[]> {
    const out: CalendarYearData[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
          ExpressionAttributeValues: { ':pk': `${PK_PREFIX.calendar}${this.jurisdiction}`, ':sk': 'YEAR#' },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        // A broken item is skipped loudly by the caller's validation rather than taking every function down.
        const parsed = CalendarYearSchema.safeParse(typeof item.year === 'string' ? JSON.parse(item.year) : item.year);
        if (parsed.success) out.push(parsed.data);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => a.year - b.year);
  }

  async put(year: CalendarYearData, meta: { at: string; by: string }): Promise<void> {
    const data = CalendarYearSchema.parse(year);
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: `${PK_PREFIX.calendar}${this.jurisdiction}`, sk: `YEAR#${data.year}`, type: 'calendar_year', year: JSON.stringify(data), importedAt: meta.at, importedBy: meta.by },
      }),
    );
  }
}
