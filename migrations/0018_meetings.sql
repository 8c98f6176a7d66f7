CREATE TABLE "livekit_webhook_events" (
	"tenant_id" uuid NOT NULL,
	"event_id" text NOT NULL,
	"event" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "livekit_webhook_events_tenant_id_event_id_pk" PRIMARY KEY("tenant_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "meeting_participants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"meeting_id" uuid NOT NULL,
	"participant_sid" text NOT NULL,
	"identity" text NOT NULL,
	"name" text,
	"kind" text DEFAULT 'person' NOT NULL,
	"joined_at" timestamp with time zone,
	"left_at" timestamp with time zone,
	"close_reason" text,
	"billed_minutes" integer,
	"cost_event_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "title" text DEFAULT 'Meeting' NOT NULL;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "scheduled_for" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "max_participants" integer DEFAULT 20 NOT NULL;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "guest_link_id" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "guest_link_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "assistant_state" text DEFAULT 'off' NOT NULL;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "assistant_notice" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "summary" text;--> statement-breakpoint
ALTER TABLE "meetings" ADD COLUMN "summary_error" text;--> statement-breakpoint
-- The composite key participants reference must exist before their foreign key.
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_tenant_id_unique" UNIQUE("tenant_id","id");--> statement-breakpoint
ALTER TABLE "livekit_webhook_events" ADD CONSTRAINT "livekit_webhook_events_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "meeting_participants" ADD CONSTRAINT "meeting_participants_tenant_id_meeting_id_meetings_tenant_id_id_fk" FOREIGN KEY ("tenant_id","meeting_id") REFERENCES "public"."meetings"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "livekit_webhook_events_received_idx" ON "livekit_webhook_events" USING btree ("tenant_id","received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "meeting_participants_sid_idx" ON "meeting_participants" USING btree ("tenant_id","meeting_id","participant_sid");--> statement-breakpoint
CREATE INDEX "meeting_participants_meeting_joined_idx" ON "meeting_participants" USING btree ("tenant_id","meeting_id","joined_at");--> statement-breakpoint
CREATE INDEX "meeting_participants_open_idx" ON "meeting_participants" USING btree ("tenant_id","meeting_id") WHERE "meeting_participants"."billed_minutes" is null;--> statement-breakpoint
ALTER TABLE "meetings" ADD CONSTRAINT "meetings_max_participants_range" CHECK ("meetings"."max_participants" between 2 and 100);