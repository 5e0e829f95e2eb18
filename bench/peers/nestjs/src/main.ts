// Benchmark peer only (issue 7): Bulwark's item endpoints written the way a NestJS team following the same
// hardening checklist would: helmet, ValidationPipe (whitelist + forbidNonWhitelisted), compression (1 KB
// threshold), 1 MB body limit, @nestjs/throttler, passport-jwt (ES256 pinned, iss/aud checked) and a roles
// guard. It reads the same SQLite file shape (a copy of the seeded data folder). Not part of the product.
import 'reflect-metadata';
import cluster from 'node:cluster';
import { createPublicKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import compression from 'compression';
import helmet from 'helmet';
import { json } from 'express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import {
  Body, CanActivate, Controller, ExecutionContext, Get, Injectable, Module, NotFoundException, Param, ParseUUIDPipe,
  Post, Query, Req, SetMetadata, UseGuards, ValidationPipe,
} from '@nestjs/common';
import { APP_GUARD, NestFactory, Reflector } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';

const dbPath = process.env.PEER_DB ?? 'bulwark.db';
const jwks = JSON.parse(readFileSync(process.env.PEER_JWKS ?? 'jwks.json', 'utf8'));
const publicKey = createPublicKey({ key: jwks.keys[0], format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
const db = new Database(dbPath);
db.pragma('journal_mode = WAL');
db.pragma('busy_timeout = 30000');

interface Caller { sub: string; tenant: string; roles: string[] }

@Injectable()
class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: publicKey, algorithms: ['ES256'],
      issuer: 'bulwark', audience: 'bulwark-api', jsonWebTokenOptions: { clockTolerance: 30 },
    });
  }
  validate(payload: { sub: string; tenant: string; roles: string | string[] }): Caller {
    return { sub: payload.sub, tenant: payload.tenant, roles: Array.isArray(payload.roles) ? payload.roles : [payload.roles] };
  }
}

const Roles = (...roles: string[]) => SetMetadata('roles', roles);
@Injectable()
class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}
  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.get<string[]>('roles', context.getHandler());
    if (!roles) { return true; }
    const user = context.switchToHttp().getRequest().user as Caller | undefined;
    return !!user && user.roles.some(r => roles.includes(r));
  }
}

class ListQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100000) page?: number;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) pageSize?: number;
}
class CreateItem {
  @IsString() @Length(1, 64) sku: string;
  @IsString() @Length(1, 200) name: string;
  @IsOptional() @IsString() @Length(0, 4000) description?: string;
  @IsString() @Length(1, 16) unit: string;
  @IsNumber({ maxDecimalPlaces: 2 }) @Min(0) @Max(1e9) unitCost: number;
}

const toResponse = (r: any) => ({
  id: r.Id.toLowerCase(), sku: r.Sku, name: r.Name, description: r.Description ?? undefined, unit: r.Unit,
  unitCost: r.UnitCostCents / 100, isActive: r.IsActive === 1, version: r.Version, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt,
});
const countStmt = db.prepare('SELECT COUNT(*) AS n FROM items WHERE TenantId = ?');
const pageStmt = db.prepare('SELECT * FROM items WHERE TenantId = ? ORDER BY Sku LIMIT ? OFFSET ?');
// PEER_COUNT_CACHE_SECONDS > 0: the tenant's item count is reused for that long and dropped on a create, as the
// product's list-count cache does (context for the comparison; the harness's target row runs the peer without it).
const countCacheMs = Number(process.env.PEER_COUNT_CACHE_SECONDS ?? 0) * 1000;
const counts = new Map<string, { n: number; at: number }>();
const countItems = (tenant: string): number => {
  const now = Date.now(), hit = counts.get(tenant);
  if (countCacheMs > 0 && hit && now - hit.at < countCacheMs) { return hit.n; }
  const n = (countStmt.get(tenant) as { n: number }).n;
  if (countCacheMs > 0) { counts.set(tenant, { n, at: now }); }
  return n;
};
const findStmt = db.prepare('SELECT * FROM items WHERE TenantId = ? AND Id = ?');
const insertStmt = db.prepare(`INSERT INTO items (Id, Sku, Name, Description, Unit, UnitCostCents, IsActive, TenantId, CreatedAt, UpdatedAt, Version)
  VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?, 1)`);

@Controller('api/v1/items')
@UseGuards(AuthGuard('jwt'), RolesGuard)
class ItemsController {
  @Get() @Roles('admin', 'inventory', 'finance', 'manager', 'auditor')
  list(@Query() q: ListQuery, @Req() req: { user: Caller }) {
    const tenant = req.user.tenant.toUpperCase();
    const page = q.page ?? 1, pageSize = q.pageSize ?? 50;
    const totalCount = countItems(tenant);
    const items = pageStmt.all(tenant, pageSize, (page - 1) * pageSize).map(toResponse);
    return { items, page, pageSize, totalCount };
  }
  @Get(':id') @Roles('admin', 'inventory', 'finance', 'manager', 'auditor')
  get(@Param('id', new ParseUUIDPipe()) id: string, @Req() req: { user: Caller }) {
    const row = findStmt.get(req.user.tenant.toUpperCase(), id.toUpperCase());
    if (!row) { throw new NotFoundException(); }
    return toResponse(row);
  }
  @Post() @Roles('admin', 'inventory')
  create(@Body() body: CreateItem, @Req() req: { user: Caller }) {
    const id = randomUUID().toUpperCase(), now = new Date().toISOString();
    insertStmt.run(id, body.sku, body.name, body.description ?? null, body.unit, Math.round(body.unitCost * 100),
      req.user.tenant.toUpperCase(), now, now);
    counts.delete(req.user.tenant.toUpperCase());
    return toResponse(findStmt.get(req.user.tenant.toUpperCase(), id));
  }
}

@Controller('health')
class HealthController {
  @Get('live') live() { return 'Healthy'; }
}

@Module({
  imports: [PassportModule, ThrottlerModule.forRoot([{ ttl: 60_000, limit: Number(process.env.PEER_THROTTLE_LIMIT ?? 100) }])],
  controllers: [ItemsController, HealthController],
  providers: [JwtStrategy, RolesGuard, { provide: APP_GUARD, useClass: ThrottlerGuard }],
})
class AppModule {}

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'], bodyParser: false });
  app.use(helmet());
  app.use(compression({ threshold: 1024 }));
  app.use(json({ limit: '1mb' }));
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  await app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1');
}
// PEER_WORKERS > 1: Node's cluster module, one process per worker sharing the port (how a NestJS team would use more
// than one core without a process manager). The harness runs the default, one process, as `nest start` does.
const workers = Number(process.env.PEER_WORKERS ?? 1);
if (workers > 1 && cluster.isPrimary) {
  for (let i = 0; i < workers; i++) { cluster.fork(); }
} else {
  void bootstrap();
}
