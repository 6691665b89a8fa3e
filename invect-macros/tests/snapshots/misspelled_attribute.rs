pub struct Thing {
    pub id : i64 ,
    pub name : String ,
}
:: core :: compile_error ! {
    "unknown attribute `max_lenght`; expected one of `primary_key`, `unique`, `index`, `default`, `references`, `on_delete`, `max_length`, `text`, `rename`, `enum`, `renamed_from`"
}
# [doc = "Typed column handles of `things`."] # [allow (non_upper_case_globals , unused_imports)] pub mod things {
    use super :: * ;
    # [doc = "Column `id`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct id ;
    impl :: invect_runtime :: Column for id {
        type Table = Thing ;
        type Value = i64 ;
        type Param = i64 ;
        const NAME : & 'static str = "id" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & :: invect_runtime :: __private :: invect_schema :: ColumnDef :: new ("id" , :: invect_runtime :: __private :: invect_schema :: ColumnType :: Text) ;
    }
    # [doc = "Column `name`."] # [allow (non_camel_case_types)] # [derive (Debug , Clone , Copy)] pub struct name ;
    impl :: invect_runtime :: Column for name {
        type Table = Thing ;
        type Value = String ;
        type Param = String ;
        const NAME : & 'static str = "name" ;
        const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: ColumnDef = & :: invect_runtime :: __private :: invect_schema :: ColumnDef :: new ("name" , :: invect_runtime :: __private :: invect_schema :: ColumnType :: Text) ;
    }
}
# [doc = "A new row of `things` for `insert`; defaulted columns may be left `None`."] # [derive (Debug , Clone , Default)] pub struct NewThing {
    # [doc = ""] pub id : i64 ,
    # [doc = ""] pub name : String ,
}
# [allow (dead_code)] impl Thing {
    # [doc = r" Starts a query over this table's rows."] pub fn select () -> :: invect_runtime :: query :: Select < Self > {
        :: core :: default :: Default :: default ()
    }
    # [doc = r" Inserts a row and returns it as stored (database defaults filled in)."] pub async fn insert (db : impl :: invect_runtime :: Executor , new : NewThing) -> :: invect_runtime :: Result < Self > {
        :: invect_runtime :: query :: insert :: < Self > (db , new) . await
    }
    # [doc = r" Inserts many rows in chunked multi-row INSERTs, in one transaction."] pub async fn insert_many (db : impl :: invect_runtime :: Executor , rows : impl :: core :: iter :: IntoIterator < Item = NewThing >) -> :: invect_runtime :: Result < u64 > {
        :: invect_runtime :: query :: insert_many :: < Self > (db , rows) . await
    }
    # [doc = r" The row with this primary key, if any."] pub async fn find (db : impl :: invect_runtime :: Executor , key : impl :: core :: convert :: Into < i64 >) -> :: invect_runtime :: Result < :: core :: option :: Option < Self >> {
        :: invect_runtime :: query :: find :: < Self > (db , & key . into ()) . await
    }
    # [doc = r" Writes every column of `row` by its primary key; returns the rows matched."] pub async fn update (db : impl :: invect_runtime :: Executor , row : & Self) -> :: invect_runtime :: Result < u64 > {
        :: invect_runtime :: query :: update :: < Self > (db , row) . await
    }
    # [doc = r" A partial update of the rows matching `filter`."] pub fn update_where (filter : :: invect_runtime :: Expr < Self >) -> :: invect_runtime :: query :: UpdateWhere < Self > {
        :: invect_runtime :: query :: UpdateWhere :: new (filter)
    }
    # [doc = r" Deletes the row with this primary key; returns the rows deleted."] pub async fn delete (db : impl :: invect_runtime :: Executor , key : impl :: core :: convert :: Into < i64 >) -> :: invect_runtime :: Result < u64 > {
        :: invect_runtime :: query :: delete :: < Self > (db , & key . into ()) . await
    }
    # [doc = r" Deletes the rows matching `filter`; returns how many."] pub async fn delete_where (db : impl :: invect_runtime :: Executor , filter : :: invect_runtime :: Expr < Self >) -> :: invect_runtime :: Result < u64 > {
        :: invect_runtime :: query :: delete_where :: < Self > (db , filter) . await
    }
    # [doc = r" Deletes the rows matching `filter` and returns them as they were."] pub async fn delete_returning (db : impl :: invect_runtime :: Executor , filter : :: invect_runtime :: Expr < Self >) -> :: invect_runtime :: Result < :: std :: vec :: Vec < Self >> {
        :: invect_runtime :: query :: delete_returning :: < Self > (db , filter) . await
    }
    # [doc = r" Inserts `new`, or on a conflict with its key updates the stored row."] pub fn upsert (new : NewThing) -> :: invect_runtime :: query :: Upsert < Self > {
        :: invect_runtime :: query :: Upsert :: new (new)
    }
    # [doc = r" [`upsert`](Self::upsert) for many rows, in chunked multi-row statements."] pub fn upsert_many < I : :: core :: iter :: IntoIterator < Item = NewThing >> (rows : I) -> :: invect_runtime :: query :: UpsertMany < Self ,
    I > {
        :: invect_runtime :: query :: UpsertMany :: new (rows)
    }
}
impl :: invect_runtime :: Table for Thing {
    type New = NewThing ;
    type Key = i64 ;
    const NAME : & 'static str = "things" ;
    const DEF : & 'static :: invect_runtime :: __private :: invect_schema :: TableDef = & :: invect_runtime :: __private :: invect_schema :: TableDef {
        name : :: std :: borrow :: Cow :: Borrowed ("things") ,
        columns : :: std :: borrow :: Cow :: Borrowed (& []) ,
        primary_key : :: std :: borrow :: Cow :: Borrowed (& []) ,
        indexes : :: std :: borrow :: Cow :: Borrowed (& []) ,
        order : 0 ,
        renamed_from : :: core :: option :: Option :: None ,
    } ;
    fn prepare_new (_ : & mut NewThing , _ : & dyn :: invect_runtime :: __private :: invect_schema :: Dialect) {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn bind_new (_ : & NewThing , _ : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn new_key (_ : & NewThing) -> :: core :: option :: Option < Self :: Key > {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn bind_key (_ : & Self :: Key , _ : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn bind_new_column (_ : & NewThing , _ : usize , _ : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn key (& self) -> Self :: Key {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn bind_update (& self , _ : & mut :: invect_runtime :: Args) -> :: invect_runtime :: value :: BindResult {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn decode (_ : :: invect_runtime :: RowRef < '_ >) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
    fn from_insert (_ : NewThing , _ : :: core :: option :: Option < :: invect_runtime :: RowRef < '_ >>) -> :: core :: result :: Result < Self ,
    :: invect_runtime :: __private :: SqlxError > {
        :: core :: unreachable ! ("#[invect_table] reported an error")
    }
}
